#!/usr/bin/env bash
# Builds everything the product needs: the web dashboard bundle (npm, when web/ exists) and the .NET solution.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ -f "$root/web/package.json" ]]; then
  "$root/scripts/ensure-deps.sh" node
  (cd "$root/web" && { [[ -d node_modules ]] || npm ci --no-audit --no-fund --loglevel=error; } && npm run --silent build)
fi
dotnet build "$root/Emporium.sln" -c Release --nologo -v quiet -clp:ErrorsOnly
