# Shared shell helpers for scripts/*.sh. Sourced, not run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PNPM_VERSION="$(node -p "require('./package.json').packageManager.split('@')[1]")"
# pnpm comes from the npm registry through npx, so a machine with only Node
# and npm needs nothing else.
pnpm() { npx --yes "pnpm@${PNPM_VERSION}" "$@"; }
# Each step says how long the run has taken so far (one clock for the
# scripts a run nests), so a slow phase of CI shows in its log.
: "${LOGSHIP_SCRIPT_T0:=$(date +%s)}"
export LOGSHIP_SCRIPT_T0
say() { printf '\033[1m==> [+%ss] %s\033[0m\n' "$(( $(date +%s) - LOGSHIP_SCRIPT_T0 ))" "$*" >&2; }
