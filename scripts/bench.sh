#!/usr/bin/env bash
# `npm run bench` / `npm run bench:quick`: every benchmark in bench/, beside
# ripgrep and a real Elasticsearch (started here when Java and Maven are
# present, as for the tests), then BENCHMARKS.md and the charts regenerated.
# `--victorialogs PATH` adds a VictoriaLogs binary built from its source (how:
# BENCHMARKS.md, "VictoriaLogs"); nothing here downloads it.
source "$(dirname "$0")/lib.sh"
bash scripts/setup.sh
bash scripts/bench-deps.sh
es_args=()
# --no-es (passed on to bench/run.mjs): no Elasticsearch started or measured,
# e.g. for a store-only comparison with --victorialogs.
no_es=no
for a in "$@"; do [ "$a" = --no-es ] && no_es=yes; done
if [ "$no_es" = yes ]; then
  :
elif [ -z "${LOGSHIP_BENCH_ES_URL:-}" ] && command -v java >/dev/null 2>&1 && command -v mvn >/dev/null 2>&1; then
  was_running=$(bash scripts/elasticsearch.sh status >/dev/null 2>&1 && echo yes || echo no)
  LOGSHIP_BENCH_ES_URL="$(bash scripts/elasticsearch.sh start)"
  # Leave an Elasticsearch that was already running as it was.
  [ "$was_running" = no ] && trap 'bash scripts/elasticsearch.sh stop >/dev/null 2>&1 || true' EXIT
fi
[ "$no_es" = no ] && [ -n "${LOGSHIP_BENCH_ES_URL:-}" ] && es_args=(--es "$LOGSHIP_BENCH_ES_URL")
[ "$no_es" = yes ] || [ -n "${LOGSHIP_BENCH_ES_URL:-}" ] || echo "WARNING: no Elasticsearch (java/mvn missing): its figures are left out" >&2
node bench/run.mjs "${es_args[@]}" "$@"
