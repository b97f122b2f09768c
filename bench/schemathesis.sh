#!/usr/bin/env bash
# Property-based check of the real server's HTTP API against its own OpenAPI
# document (GET /api/v1/openapi.json) with schemathesis. A manual check, not
# part of CI or scripts/test.sh: schemathesis is a Python tool fetched from
# PyPI, and a run takes minutes. docs/ERRORS.md records the last run.
#
#   bash bench/schemathesis.sh [--format blocks|rows] [--examples N] [--seed S] [--port P]
#
# What it does, after `bash scripts/setup.sh` (the server must be built):
#   1. schemathesis into a venv under /tmp (python3 -m venv; pip install
#      schemathesis) unless $SCHEMATHESIS names one already installed;
#   2. `logship serve` on 127.0.0.1:PORT over a data folder in /tmp, with a
#      read+write token, no rate limits (they would answer 429 to a fuzzer),
#      a saved query and a 2 s tail (so /api/v1/tail streams end);
#   3. 20,000 events of scripts/corpus.mjs through POST /api/v1/ingest;
#   4. `schemathesis run` over every operation, every check, all phases
#      (examples, coverage, fuzzing, stateful), N examples an operation;
#   5. stops the server, checks it was still ready, leaves the report
#      (text and NDJSON) in the run folder it prints.
# Exit status: schemathesis's (0: no failure).
set -euo pipefail
cd "$(dirname "$0")/.."

format=blocks examples=500 seed=1 port=7791
while [ $# -gt 0 ]; do
  case "$1" in
    --format) format=$2; shift 2 ;;
    --examples) examples=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    *) echo "usage: bash bench/schemathesis.sh [--format blocks|rows] [--examples N] [--seed S] [--port P]" >&2; exit 2 ;;
  esac
done

st=${SCHEMATHESIS:-/tmp/logship-schemathesis-venv/bin/schemathesis}
if [ ! -x "$st" ]; then
  python3 -m venv /tmp/logship-schemathesis-venv
  /tmp/logship-schemathesis-venv/bin/pip install --quiet schemathesis
  st=/tmp/logship-schemathesis-venv/bin/schemathesis
fi

run=$(mktemp -d /tmp/logship-schemathesis-XXXXXX)
token=schemathesis-read-write-token-0123
cat > "$run/logship.yaml" <<YAML
listen: 127.0.0.1:$port
data: $run/data
store: { type: sqlite, format: $format }
auth:
  tokens:
    - { name: schemathesis, token: "$token", scopes: [read, write] }
  rate_limit: { requests_per_s: 0 }
  failed_auth: { per_s: 0 }
saved_queries:
  deploys: 'logger:"deploy" AND level:info'
search: { tail_max_duration_s: 2 }
YAML

node packages/ingest/bin/logship.js serve --config "$run/logship.yaml" > "$run/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
base=http://127.0.0.1:$port
for _ in $(seq 60); do curl -sf "$base/health" > /dev/null && break; sleep 0.5; done
curl -sf "$base/health" > /dev/null || { echo "the server did not start: $run/server.log" >&2; exit 1; }

node scripts/corpus.mjs --events 20000 --days 2 > "$run/corpus.ndjson"
curl -sf -X POST -H "Authorization: Bearer $token" -H 'content-type: application/x-ndjson' \
  --data-binary @"$run/corpus.ndjson" "$base/api/v1/ingest" > "$run/ingest.json"
echo "ingested: $(cat "$run/ingest.json")"

status=0
# From the run folder: schemathesis and hypothesis keep their caches (.schemathesis, .hypothesis) where they run.
cd "$run"
"$st" run "$base/api/v1/openapi.json" \
  -H "Authorization: Bearer $token" \
  --checks all --phases examples,coverage,fuzzing,stateful \
  --max-examples "$examples" --seed "$seed" --continue-on-failure \
  --request-timeout 20 --workers 1 \
  --report ndjson --report-dir "$run/report" > "$run/schemathesis.txt" 2>&1 || status=$?
tail -n 40 "$run/schemathesis.txt"

ready=$(curl -s -o /dev/null -w '%{http_code}' "$base/health/ready")
echo "after the run: /health/ready $ready; error lines in the server log: $(grep -c '"level":50' "$run/server.log" || true)"
echo "run folder: $run (schemathesis.txt, report/, server.log)"
[ "$ready" = 200 ] || status=1
exit $status
