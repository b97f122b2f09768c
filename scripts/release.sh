#!/usr/bin/env bash
# Release tarballs that install with `npm install -g FILE` on a host that has
# only Node and npm (no clone, no pnpm):
#   release/logship-agent-VERSION.tgz   the agent (no native modules)
#   release/logship-VERSION.tgz         the server, with @logship/query and the
#                                       built search page (@logship/ui) inside it
# Each package is staged with a plain package.json (no workspace: links, no
# devDependencies) and packed with `npm pack`. The server bundles the query
# package (bundleDependencies) because it is not published anywhere; its
# other dependencies, better-sqlite3 included, come from the npm registry at
# install time.
source "$(dirname "$0")/lib.sh"

say "building (tsc -b)"
node_modules/.bin/tsc -b

mkdir -p release
rm -f release/logship-agent-*.tgz release/logship-*.tgz
STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT

# Copies a built package (bin, dist and whatever else is named) without tests.
stage() {
  local from="$1" to="$2"; shift 2
  mkdir -p "$to"
  for p in dist "$@"; do [ -e "$from/$p" ] && cp -r "$from/$p" "$to/"; done
  find "$to" \( -name '*.test.js' -o -name '*.test.d.ts' -o -name '*.test.js.map' -o -name '*.tsbuildinfo' \) -delete
}

# Rewrites the staged package.json: a release name, no workspace links.
manifest() {
  node - "$@" <<'JS'
const fs = require('node:fs');
const [src, dst, name, bundle] = process.argv.slice(2);
const p = JSON.parse(fs.readFileSync(src, 'utf8'));
delete p.private; delete p.devDependencies; delete p.scripts;
p.name = name;
p.engines = { node: '>=20.19' };
p.license ??= 'UNLICENSED';
for (const [dep, range] of Object.entries(p.dependencies ?? {})) {
  if (String(range).startsWith('workspace:')) p.dependencies[dep] = JSON.parse(fs.readFileSync(`packages/${dep.split('/')[1]}/package.json`, 'utf8')).version;
}
if (bundle) p.bundleDependencies = bundle.split(',');
fs.writeFileSync(dst, JSON.stringify(p, null, 2) + '\n');
JS
}

say "staging the agent"
stage packages/agent "$STAGE/agent" bin systemd
rm -rf "$STAGE/agent/dist/testing"   # the agent's test doubles; nothing imports them
manifest packages/agent/package.json "$STAGE/agent/package.json" logship-agent
cp README.md docs/AGENT.md "$STAGE/agent/"

say "staging the server (with @logship/query inside)"
stage packages/ingest "$STAGE/server" bin
manifest packages/ingest/package.json "$STAGE/server/package.json" logship @logship/query,@logship/ui
stage packages/query "$STAGE/server/node_modules/@logship/query"
manifest packages/query/package.json "$STAGE/server/node_modules/@logship/query/package.json" @logship/query
# The bundled package lists no dependencies of its own: npm would take them
# for part of the bundle and leave their directories empty. They resolve
# from the server's node_modules, so each must be a server dependency too.
node - "$STAGE/server" <<'JS'
const fs = require('node:fs');
const dir = process.argv[2];
const q = `${dir}/node_modules/@logship/query/package.json`;
const query = JSON.parse(fs.readFileSync(q, 'utf8'));
const server = JSON.parse(fs.readFileSync(`${dir}/package.json`, 'utf8'));
for (const dep of Object.keys(query.dependencies ?? {})) {
  if (!server.dependencies?.[dep]) { console.error(`@logship/query needs ${dep}, which the server does not depend on`); process.exit(1); }
}
delete query.dependencies;
fs.writeFileSync(q, JSON.stringify(query, null, 2) + '\n');
JS
# The search page ships built (index.html and hashed assets); its own
# dependencies (Preact, CodeMirror, uPlot) are inside those assets, so the
# bundled package lists none.
[ -f packages/ui/dist/index.html ] || bash scripts/build-ui.sh
stage packages/ui "$STAGE/server/node_modules/@logship/ui"
manifest packages/ui/package.json "$STAGE/server/node_modules/@logship/ui/package.json" @logship/ui
node -e 'const fs=require("node:fs");const f=process.argv[1];const p=JSON.parse(fs.readFileSync(f,"utf8"));delete p.dependencies;fs.writeFileSync(f,JSON.stringify(p,null,2)+"\n")' "$STAGE/server/node_modules/@logship/ui/package.json"
cp README.md "$STAGE/server/"

for p in agent server; do
  (cd "$STAGE/$p" && npm pack --silent --pack-destination "$ROOT/release" >/dev/null)
done
ls -l release/*.tgz >&2
