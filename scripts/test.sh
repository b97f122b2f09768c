#!/usr/bin/env bash
# The whole test suite, from a fresh clone: install, build, check generated
# files, lint, type-check, start the real services tests need, run every test
# with node's test runner. `.ci/run` calls exactly this (via `npm test`).
source "$(dirname "$0")/lib.sh"

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

# A real Elasticsearch for the Elasticsearch suites, when Java and Maven are
# here (CI: always). It is stopped however the run ends.
if [ -f scripts/elasticsearch.sh ]; then
  if command -v java >/dev/null 2>&1 && command -v mvn >/dev/null 2>&1; then
    say "starting Elasticsearch"
    trap 'bash scripts/elasticsearch.sh stop >/dev/null 2>&1 || true' EXIT
    LOGSHIP_TEST_ES_URL="$(bash scripts/elasticsearch.sh start)"
    export LOGSHIP_TEST_ES_URL
    say "Elasticsearch at ${LOGSHIP_TEST_ES_URL}"
  elif [ "${CI:-}" = "true" ]; then
    echo "CI=true but java/mvn are missing: cannot run the Elasticsearch suites" >&2
    exit 1
  else
    echo "WARNING: java or mvn missing: Elasticsearch suites will be SKIPPED" >&2
  fi
fi

say "release tarballs: installed with npm -g under this Node and Node 24, smoke-tested from outside the clone"
bash scripts/release-check.sh

say "running tests (node --test)"
dirs=()
for d in packages/query/dist packages/ingest/dist packages/agent/dist test/dist; do
  [ -d "$d" ] && dirs+=("$d")
done
# One file per process, two at a time: the machines have two cores and the
# end-to-end files each start their own server and agent on free ports.
# Every test gets at most 5 minutes: a test waiting on a timer that never
# fires (a broken flush) fails instead of hanging the run. The slowest tests
# (Elasticsearch contract, end-to-end) take well under a minute each.
node --test --test-concurrency=2 --test-timeout=300000 "${dirs[@]}"
say "all tests passed"
