#!/usr/bin/env bash
# What the benchmarks compare against: ripgrep over the raw files. Idempotent.
source "$(dirname "$0")/lib.sh"
command -v rg >/dev/null 2>&1 && exit 0
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  say "installing ripgrep"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends ripgrep >/dev/null
else
  echo "WARNING: ripgrep (rg) is not installed: the ripgrep baseline will be missing" >&2
fi
