# Shared shell helpers for scripts/*.sh. Sourced, not run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PNPM_VERSION="$(node -p "require('./package.json').packageManager.split('@')[1]")"
# pnpm comes from the npm registry through npx, so a machine with only Node
# and npm needs nothing else.
pnpm() { npx --yes "pnpm@${PNPM_VERSION}" "$@"; }
say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
