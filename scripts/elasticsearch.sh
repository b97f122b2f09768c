#!/usr/bin/env bash
# A real Elasticsearch for the test suites: scripts/elasticsearch.sh {start|stop|status|url}
#
#   start   fetch (once) the integ-test-zip distribution from Maven Central,
#           unpack (once), start it on 127.0.0.1:$LOGSHIP_ES_PORT with a small
#           heap, wait for yellow/green, print the URL. Idempotent: prints the
#           URL at once when it is already running.
#   stop    stop it and remove its data directory.
#   status  exit 0 and print the URL when it answers, exit 1 otherwise.
#   url     print the URL it listens (or would listen) on.
#   ca      (secure mode) print the path of the CA certificate that signed its HTTPS certificate.
#
# Secure mode (LOGSHIP_ES_SECURE=1, default port 9251): security on, HTTPS with
# a throwaway CA made by openssl, a file-realm superuser $LOGSHIP_ES_USER
# and a least-privilege user logship_writer, both with password
# $LOGSHIP_ES_PASSWORD — for the tests of the store's
# auth and TLS options. Loopback only; never a real credential.
#
# The integ-test-zip has no ILM; its security module is switched off below, so
# it speaks plain HTTP, which is what the store's tests want. 8.x runs on Java 17; 9.x would need Java 21+.
#
# Environment:
#   LOGSHIP_ES_VERSION  default 8.19.21 (the newest 8.x on Maven Central)
#   LOGSHIP_ES_PORT     default 9250 (not 9200, so a developer's own cluster is left alone)
#   LOGSHIP_ES_HEAP     default 512m (machines are shared)
#   LOGSHIP_CACHE       where the zip and the unpacked install live between
#                       runs, outside the clone. Default $HOME/.cache/logship,
#                       or /var/cache/logship when running as root (see below).
set -euo pipefail

VERSION="${LOGSHIP_ES_VERSION:-8.19.21}"
SECURE="${LOGSHIP_ES_SECURE:-}"
HEAP="${LOGSHIP_ES_HEAP:-512m}"
if [ -n "$SECURE" ]; then
  PORT="${LOGSHIP_ES_PORT:-9251}"
  URL="https://127.0.0.1:${PORT}"
else
  PORT="${LOGSHIP_ES_PORT:-9250}"
  URL="http://127.0.0.1:${PORT}"
fi
ES_USER="${LOGSHIP_ES_USER:-logship_test}"
ES_PASSWORD="${LOGSHIP_ES_PASSWORD:-logship-test-password}"

# Elasticsearch refuses to run as root. As root we start it as `nobody`, who
# cannot read a 0700 $HOME, so the default cache moves to /var/cache.
if [ "$(id -u)" = 0 ]; then
  RUN_AS=nobody
  CACHE="${LOGSHIP_CACHE:-/var/cache/logship}"
else
  RUN_AS=""
  CACHE="${LOGSHIP_CACHE:-$HOME/.cache/logship}"
fi
ES_HOME="${CACHE}/elasticsearch-${VERSION}"
ZIP="${CACHE}/downloads/elasticsearch-${VERSION}.zip"
# Data, logs and the pid file are per port and thrown away by `stop`.
STATE="${TMPDIR:-/tmp}/logship-es-${PORT}"
PIDFILE="${STATE}/es.pid"

say() { printf '==> %s\n' "$*" >&2; }

as_es_user() {
  if [ -n "$RUN_AS" ]; then
    setpriv --reuid="$RUN_AS" --regid="$(id -g "$RUN_AS")" --clear-groups -- "$@"
  else
    "$@"
  fi
}

CA_CERT="${STATE}/config/certs/ca.crt"

# curl against this node: with the CA and the test user in secure mode.
es_curl() {
  if [ -n "$SECURE" ]; then
    curl -fsS --max-time 2 --cacert "$CA_CERT" -u "${ES_USER}:${ES_PASSWORD}" "$@"
  else
    curl -fsS --max-time 2 "$@"
  fi
}

answers() {
  es_curl "${URL}/_cluster/health" >/dev/null 2>&1
}

# A CA and a certificate for 127.0.0.1/localhost signed by it, in config/certs.
make_certs() {
  local d="$STATE/config/certs"
  mkdir -p "$d"
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=logship test CA" \
    -keyout "$d/ca.key" -out "$d/ca.crt" >/dev/null 2>&1
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$d/node.key" -out "$d/node.csr" >/dev/null 2>&1
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$d/san.ext"
  openssl x509 -req -in "$d/node.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial -days 30 \
    -extfile "$d/san.ext" -out "$d/node.crt" >/dev/null 2>&1
  chmod a+r "$d"/*
}

running_pid() {
  [ -f "$PIDFILE" ] || return 1
  local pid
  pid="$(cat "$PIDFILE" 2>/dev/null || true)"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && { echo "$pid"; return 0; }
  return 1
}

fetch() {
  [ -f "$ZIP" ] && return 0
  command -v mvn >/dev/null 2>&1 || { echo "elasticsearch.sh: mvn not found" >&2; exit 2; }
  say "fetching elasticsearch ${VERSION} (integ-test-zip) from Maven Central"
  mkdir -p "${CACHE}/downloads"
  mvn -q -B dependency:copy \
    "-Dartifact=org.elasticsearch.distribution.integ-test-zip:elasticsearch:${VERSION}:zip" \
    "-DoutputDirectory=${CACHE}/downloads" >&2
  [ -f "$ZIP" ] || { echo "elasticsearch.sh: download did not produce ${ZIP}" >&2; exit 1; }
}

unpack() {
  [ -x "${ES_HOME}/bin/elasticsearch" ] && return 0
  fetch
  say "unpacking into ${ES_HOME}"
  # Unpack beside the target and rename, so an interrupted unzip never
  # leaves a half-installed ES_HOME that the check above would accept.
  local tmp
  tmp="$(mktemp -d "${CACHE}/unpack.XXXXXX")"
  unzip -q "$ZIP" -d "$tmp"
  rm -rf "$ES_HOME"
  mv "$tmp/elasticsearch-${VERSION}" "$ES_HOME"
  rmdir "$tmp"
  chmod -R a+rX "$ES_HOME"
}

start() {
  if answers; then echo "$URL"; return 0; fi
  command -v java >/dev/null 2>&1 || { echo "elasticsearch.sh: java not found" >&2; exit 2; }
  unpack
  if pid="$(running_pid)"; then
    say "elasticsearch (pid ${pid}) is starting; waiting"
  else
    rm -rf "$STATE"
    mkdir -p "$STATE/data" "$STATE/logs" "$STATE/tmp"
    # A private config dir: ES writes its keystore there on first start, and
    # the heap goes into jvm.options.d without touching the cached install.
    cp -r "${ES_HOME}/config" "$STATE/config"
    printf -- '-Xms%s\n-Xmx%s\n' "$HEAP" "$HEAP" >"$STATE/config/jvm.options.d/heap.options"
    local java_home
    java_home="${ES_JAVA_HOME:-${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}}"
    local security=(-E xpack.security.enabled=false)
    if [ -n "$SECURE" ]; then
      command -v openssl >/dev/null 2>&1 || { echo "elasticsearch.sh: openssl not found (secure mode)" >&2; exit 2; }
      make_certs
      security=(
        -E xpack.security.enabled=true
        -E xpack.security.http.ssl.enabled=true
        -E xpack.security.http.ssl.key=certs/node.key
        -E xpack.security.http.ssl.certificate=certs/node.crt
        -E xpack.security.transport.ssl.enabled=false
      )
    fi
    [ -n "$RUN_AS" ] && chown -R "$RUN_AS" "$STATE"
    if [ -n "$SECURE" ]; then
      # Plus a least-privilege user with exactly what docs/ELASTICSEARCH.md
      # says a logship server needs on its own indices (API keys cannot be
      # made here: the .security index needs analysis-common, absent from
      # this distribution).
      cat >>"$STATE/config/roles.yml" <<'YAML'
logship_writer:
  cluster: [manage_index_templates]
  indices:
    - names: ['lstest_*', 'logship-*']
      privileges: [create_doc, create_index, read, view_index_metadata, monitor, maintenance, delete_index]
YAML
      local u
      for u in "${ES_USER}:superuser" "logship_writer:logship_writer"; do
        as_es_user env ES_JAVA_HOME="$java_home" ES_PATH_CONF="$STATE/config" \
          "${ES_HOME}/bin/elasticsearch-users" useradd "${u%%:*}" -p "$ES_PASSWORD" -r "${u##*:}" >&2
      done
    fi
    say "starting elasticsearch ${VERSION} on ${URL} (heap ${HEAP}, state ${STATE})"
    # disk thresholds off: a shared build disk above 90% must not turn the
    # test indices read-only. Security is set explicitly either way: this
    # zip carries the security module, whose auto-configuration would
    # otherwise switch HTTP to TLS with generated credentials.
    as_es_user env ES_JAVA_HOME="$java_home" ES_PATH_CONF="$STATE/config" ES_TMPDIR="$STATE/tmp" \
      "${ES_HOME}/bin/elasticsearch" -d -p "$PIDFILE" \
      -E cluster.name=logship-test \
      -E node.name=logship-test \
      -E network.host=127.0.0.1 \
      -E http.port="$PORT" \
      -E transport.port=0 \
      -E discovery.type=single-node \
      -E path.data="$STATE/data" \
      -E path.logs="$STATE/logs" \
      -E cluster.routing.allocation.disk.threshold_enabled=false \
      -E action.destructive_requires_name=false \
      "${security[@]}" \
      >"$STATE/launcher.log" 2>&1 || {
        echo "elasticsearch.sh: launcher failed:" >&2
        cat "$STATE/launcher.log" >&2
        exit 1
      }
  fi
  local i
  for i in $(seq 1 180); do
    if es_curl "${URL}/_cluster/health?wait_for_status=yellow&timeout=1s" >/dev/null 2>&1; then
      echo "$URL"
      return 0
    fi
    if [ "$i" -gt 5 ] && ! running_pid >/dev/null; then
      echo "elasticsearch.sh: elasticsearch exited during start-up; last log lines:" >&2
      tail -n 40 "$STATE/logs/logship-test.log" >&2 2>/dev/null || cat "$STATE/launcher.log" >&2
      exit 1
    fi
    sleep 1
  done
  echo "elasticsearch.sh: not healthy after 180 s" >&2
  exit 1
}

stop() {
  local pid
  if pid="$(running_pid)"; then
    say "stopping elasticsearch (pid ${pid})"
    kill "$pid"
    local i
    for i in $(seq 1 60); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 1
    done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  fi
  rm -rf "$STATE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if answers; then echo "$URL"; else echo "elasticsearch is not running on ${URL}" >&2; exit 1; fi ;;
  url) echo "$URL" ;;
  ca) [ -n "$SECURE" ] || { echo "ca: only in secure mode (LOGSHIP_ES_SECURE=1)" >&2; exit 64; }; echo "$CA_CERT" ;;
  *) echo "usage: $0 {start|stop|status|url|ca}" >&2; exit 64 ;;
esac
