#!/usr/bin/env bash
# Builds the search page (packages/ui → packages/ui/dist, served by
# `logship serve` at /). Skipped when dist/ is newer than every source file,
# so a setup run with nothing changed stays quick. Needs `tsc -b` first: the
# page bundles @logship/query's compiled parser.
source "$(dirname "$0")/lib.sh"
ui=packages/ui
stamp="$ui/dist/index.html"
# Any compiled file of @logship/query counts, not only browser.js: the parser
# (parse.js) changing under an unchanged browser.js left the page's bundle
# with the old one.
# On a fresh clone there is no stamp (find -newer of a missing file fails,
# and under `set -e` that ended the script with status 1 and no message).
if [ -f "$stamp" ]; then
  changed="$(find "$ui/src" "$ui/index.html" "$ui/vite.config.js" "$ui/package.json" -newer "$stamp" -print -quit 2>/dev/null || true)"
  changed+="$(find packages/query/dist -name '*.js' -newer "$stamp" -print -quit 2>/dev/null || true)"
  if [ -z "$changed" ]; then
    exit 0
  fi
fi
(cd "$ui" && node_modules/.bin/vite build --logLevel warn)
node "$ui/scripts/precompress.mjs" "$ui/dist/assets"
