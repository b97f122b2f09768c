#!/usr/bin/env bash
# Installs dependencies and builds every package. Idempotent: a second run
# with nothing changed takes a few seconds.
source "$(dirname "$0")/lib.sh"
# better-sqlite3 compiles from source when its prebuilt binary cannot be
# downloaded; the node headers ship in /usr/include/node on these machines.
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node.h ]; then
  export npm_config_nodedir=/usr
fi
say "installing dependencies (pnpm ${PNPM_VERSION})"
pnpm install --frozen-lockfile --reporter=append-only 2>&1 | grep -vE '^\s*$|Progress:' || true
test -d node_modules/.pnpm || { echo "pnpm install failed" >&2; exit 1; }
say "building (tsc -b)"
node_modules/.bin/tsc -b
say "building the search page (vite build in packages/ui)"
bash scripts/build-ui.sh
