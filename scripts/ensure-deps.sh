#!/usr/bin/env bash
# Installs the system packages a command needs, only when they are missing (a fresh machine has none of them).
# Usage: ensure-deps.sh [node] [postgres] [chromium]
set -euo pipefail
missing=()
for want in "$@"; do
  case "$want" in
    node) command -v npm >/dev/null || missing+=(nodejs npm) ;;
    postgres) compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql) ;;
    chromium) [[ -x /usr/bin/chromium ]] || missing+=(chromium) ;;
    *) echo "ensure-deps: unknown dependency '$want'" >&2; exit 2 ;;
  esac
done
if (( ${#missing[@]} )); then
  echo "installing: ${missing[*]}" >&2
  sudo_cmd=""; [[ $(id -u) == 0 ]] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
