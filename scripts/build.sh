#!/usr/bin/env bash
# Builds everything the product needs: the web dashboard bundle (npm, when web/ exists) and the .NET solution.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# ./emporium rebuilds when a source is newer than this stamp. It takes the time this build began, so a file saved while
# it ran still counts as changed.
stamp="$root/src/Emporium.Cli/bin/.build-stamp"
mkdir -p "$(dirname "$stamp")"
started="$(mktemp "$(dirname "$stamp")/.build-started.XXXXXX")"
trap 'rm -f "$started"' EXIT
if [[ -f "$root/web/package.json" ]]; then
  "$root/scripts/ensure-deps.sh" node
  # `npm install --no-save` rather than `npm ci`: the lock file carries no registry URLs here, and npm ci then
  # refuses rollup's platform-specific optional packages; install still honours the locked versions.
  (cd "$root/web" && { [[ node_modules -nt package-lock.json ]] || npm install --no-save --no-audit --no-fund --loglevel=error; } \
    && touch node_modules && npm run --silent build)
fi
dotnet build "$root/Emporium.sln" -c Release --nologo -v quiet -clp:ErrorsOnly
mv "$started" "$stamp"
