#!/usr/bin/env bash
# Installs what the tests need (only when missing), builds, runs the whole suite and ends with "N passed, N failed".
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
scripts/ensure-deps.sh node postgres chromium || { echo "0 passed, 1 failed"; exit 1; }
scripts/build.sh || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }
results="$root/.artifacts/test-results"
rm -rf "$results"; mkdir -p "$results"
dotnet test tests/Emporium.Tests -c Release --no-build --nologo \
  --logger "trx;LogFileName=tests.trx" --results-directory "$results" "$@" 2>&1 | tee "$results/console.log"
status=${PIPESTATUS[0]}
trx="$results/tests.trx"
if [[ -f "$trx" ]]; then
  passed=$(grep -o 'passed="[0-9]*"' "$trx" | head -1 | grep -o '[0-9]*')
  failed=$(grep -o 'failed="[0-9]*"' "$trx" | head -1 | grep -o '[0-9]*')
else
  passed=0; failed=1
fi
if [[ $status != 0 && ${failed:-0} == 0 ]]; then failed=1; fi
echo "${passed:-0} passed, ${failed:-0} failed"
[[ $status == 0 ]]
