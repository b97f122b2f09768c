#!/usr/bin/env bash
# Release tarballs that install with `npm install -g FILE` on a host that has
# only Node and npm (no clone, no pnpm):
#   release/logship-agent-VERSION.tgz   the agent (no native modules)
#   release/logship-VERSION.tgz         the server, with @logship/query and the
#                                       built search page (@logship/ui) inside it
#   release/logship-agent-VERSION-linux-x64
#                                       the agent as one executable (Node's single
#                                       executable applications: this machine's
#                                       `node` with the bundled agent injected)
# Each package is staged with a plain package.json (no workspace: links, no
# devDependencies) and packed with `npm pack`. The server bundles the query
# package (bundleDependencies) because it is not published anywhere; its
# other dependencies, better-sqlite3 included, come from the npm registry at
# install time.
source "$(dirname "$0")/lib.sh"

say "building (tsc -b)"
node_modules/.bin/tsc -b

mkdir -p release
rm -f release/logship-agent-*.tgz release/logship-*.tgz release/logship-agent-*-linux-x64
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
stage packages/ingest "$STAGE/server" bin systemd
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
cp README.md docs/SERVER.md "$STAGE/server/"

for p in agent server; do
  (cd "$STAGE/$p" && npm pack --silent --pack-destination "$ROOT/release" >/dev/null)
done
ls -l release/*.tgz >&2

say "the single-file agent (SEA)"
# The agent and its three dependencies bundled into one CommonJS script (a
# SEA's main script can require built-in modules only), with rolldown, which
# the search page's build (vite) already brings. The blob is injected with
# postject, the tool Node's SEA documentation names, run from the npm
# registry pinned rather than kept as a dependency of the repository.
VERSION="$(node -p 'require("./packages/agent/package.json").version')"
SEA_OUT="release/logship-agent-$VERSION-linux-x64"
ROLLDOWN="$(readlink -f packages/ui/node_modules/vite)/../rolldown/bin/cli.mjs"
cat >"$STAGE/sea-entry.mjs" <<JS
import { main } from '$ROOT/packages/agent/dist/cli.js';
main(process.argv.slice(2)).then(
  (code) => { if (typeof code === 'number') process.exitCode = code; },
  (err) => { console.error(err instanceof Error ? err.message : err); process.exitCode = 1; },
);
JS
node "$ROLLDOWN" "$STAGE/sea-entry.mjs" --platform node --format cjs --file "$STAGE/sea-agent.cjs" --log-level warn >&2
printf '{"main":"%s","output":"%s","disableExperimentalSEAWarning":true}\n' "$STAGE/sea-agent.cjs" "$STAGE/sea-agent.blob" >"$STAGE/sea.json"
node --experimental-sea-config "$STAGE/sea.json" >&2
cp "$(command -v node)" "$SEA_OUT"
chmod u+w "$SEA_OUT"
# postject warns about ELF note sections it does not parse ("Can't find string offset"); harmless.
npm exec --yes --package=postject@1.0.0-alpha.6 -- postject "$SEA_OUT" NODE_SEA_BLOB "$STAGE/sea-agent.blob" \
  --sentinel-fuse NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2 2>&1 | grep -v "Can't find string offset" >&2 || true
# A plain `node` would answer --help too: the agent's usage line says the blob is in.
"$SEA_OUT" --help 2>&1 | grep -q '^Usage: logship-agent' || { echo "the single-file agent does not start" >&2; exit 1; }
ls -l "$SEA_OUT" >&2
