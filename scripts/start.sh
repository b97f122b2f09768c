#!/usr/bin/env bash
# Quick start: install, build, and run the whole pipeline on the embedded
# SQLite store with a demo log generator. Ctrl-C stops everything.
source "$(dirname "$0")/lib.sh"
bash scripts/setup.sh
exec node scripts/demo/run.mjs "$@"
