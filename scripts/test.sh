#!/usr/bin/env bash
# The whole test suite, from a fresh clone: install, build, check generated
# files, lint, type-check, start the real services tests need, run every test
# with node's test runner. `.ci/run` calls exactly this (via `npm test`).
source "$(dirname "$0")/lib.sh"

# A real Elasticsearch for the Elasticsearch suites, when Java and Maven are
# here (CI: always). Its start takes a minute or more, its JVM on one core
# most of it, so it starts now, beside install, build and lint (one core
# each on the whole), and the tests wait for it. It is stopped however the
# run ends.
ES_JOB=""
if [ -f scripts/elasticsearch.sh ]; then
  if command -v java >/dev/null 2>&1 && command -v mvn >/dev/null 2>&1; then
    ES_DIR="$(mktemp -d)"
    # A run that fails before the tests lets the start finish, then stops it.
    trap 'if [ -n "$ES_JOB" ]; then wait "$ES_JOB" 2>/dev/null || true; fi; bash scripts/elasticsearch.sh stop >/dev/null 2>&1 || true; rm -rf "$ES_DIR"' EXIT
    say "starting Elasticsearch in the background"
    bash scripts/elasticsearch.sh start >"$ES_DIR/url" 2>"$ES_DIR/log" &
    ES_JOB=$!
  elif [ "${CI:-}" = "true" ]; then
    echo "CI=true but java/mvn are missing: cannot run the Elasticsearch suites" >&2
    exit 1
  else
    echo "WARNING: java or mvn missing: Elasticsearch suites will be SKIPPED" >&2
  fi
fi

# better-sqlite3 compiled for Node 24 (~3 minutes on one core) for the
# release check's install under Node 24, in the background too.
N24_PREBUILDS="$(mktemp -d)"
say "compiling better-sqlite3 for Node 24 in the background"
bash scripts/node24.sh prebuild "$N24_PREBUILDS" >"$N24_PREBUILDS.log" 2>&1 &
N24_JOB=$!

bash scripts/setup.sh

say "checking the generated parser is up to date"
if [ -f packages/query/scripts/gen-parser.mjs ]; then
  node packages/query/scripts/gen-parser.mjs --check
fi

say "lint (eslint)"
node_modules/.bin/eslint --max-warnings=0 .

say "type-check (tsc -b, strict)"
node_modules/.bin/tsc -b

say "installing test services (journal tools, nginx, prometheus, alertmanager)"
bash scripts/test-deps.sh

if [ -n "$ES_JOB" ]; then
  say "waiting for Elasticsearch (started with the install)"
  if ! wait "$ES_JOB"; then
    cat "$ES_DIR/log" >&2
    echo "Elasticsearch did not start" >&2
    exit 1
  fi
  cat "$ES_DIR/log" >&2
  LOGSHIP_TEST_ES_URL="$(cat "$ES_DIR/url")"
  export LOGSHIP_TEST_ES_URL
  say "Elasticsearch at ${LOGSHIP_TEST_ES_URL}"
fi

say "release tarballs: installed with npm -g under this Node and Node 24, smoke-tested from outside the clone"
# The release check smoke-tests this Node's install first and waits for the
# compile only before Node 24's (LOGSHIP_NODE24_PREBUILD_PID).
LOGSHIP_NODE24_PREBUILDS="$N24_PREBUILDS" LOGSHIP_NODE24_PREBUILD_PID="$N24_JOB" bash scripts/release-check.sh
wait "$N24_JOB" 2>/dev/null || cat "$N24_PREBUILDS.log" >&2

say "running tests (node --test)"
dirs=()
for d in packages/query/dist packages/ingest/dist packages/agent/dist test/dist; do
  [ -d "$d" ] && dirs+=("$d")
done
# One file per process, three at a time on the machines' two cores: the
# end-to-end files (each its own server and agent on free ports) spend most
# of their time waiting on processes, a minute of idle files, a 30 s
# outage, Chromium, so a third file keeps both cores busy.
# Every test gets at most 5 minutes: a test waiting on a timer that never
# fires (a broken flush) fails instead of hanging the run. The slowest tests
# (Elasticsearch contract, end-to-end) take well under a minute each.
# The TAP log, and at its end the slowest files (scripts/test-file-times.mjs).
node --test --test-concurrency=3 --test-timeout=300000 \
  --test-reporter=tap --test-reporter-destination=stdout \
  --test-reporter=./scripts/test-file-times.mjs --test-reporter-destination=stdout \
  "${dirs[@]}"
say "all tests passed"
