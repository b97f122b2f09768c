#!/usr/bin/env bash
# Builds the search page (packages/ui → packages/ui/dist, served by
# `logship serve` at /). Skipped when dist/ is newer than every source file,
# so a setup run with nothing changed stays quick. Needs `tsc -b` first: the
# page bundles @logship/query's compiled parser.
source "$(dirname "$0")/lib.sh"
ui=packages/ui
stamp="$ui/dist/index.html"
if [ -f "$stamp" ] && [ -z "$(find "$ui/src" "$ui/index.html" "$ui/vite.config.js" "$ui/package.json" packages/query/dist/browser.js -newer "$stamp" -print -quit 2>/dev/null)" ]; then
  exit 0
fi
(cd "$ui" && node_modules/.bin/vite build --logLevel warn)
node "$ui/scripts/precompress.mjs" "$ui/dist/assets"
