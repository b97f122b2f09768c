#!/usr/bin/env bash
# Installs what the real-component tests need beyond Node: journal tools
# (systemd-journal-remote writes real journal files, journalctl reads them),
# nginx, a real Prometheus and Alertmanager (the rules tests start them as
# child processes on loopback), rsyslog and logger, chromium (the search
# page tests drive it with playwright-core), openssl (the TLS tests make
# throwaway CAs with it) and logrotate (the agent's copytruncate test).
# Idempotent; quick when already present. On a machine without apt (a
# laptop) it says what is missing and the matching tests skip, except
# under CI=true where a missing tool fails the run.
source "$(dirname "$0")/lib.sh"
need_pkgs=()
[ -x /lib/systemd/systemd-journal-remote ] || need_pkgs+=(systemd-journal-remote)
command -v journalctl >/dev/null 2>&1 || need_pkgs+=(systemd)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need_pkgs+=(nginx-light)
command -v prometheus >/dev/null 2>&1 || [ -x /usr/bin/prometheus ] || need_pkgs+=(prometheus)
command -v prometheus-alertmanager >/dev/null 2>&1 || [ -x /usr/bin/prometheus-alertmanager ] || need_pkgs+=(prometheus-alertmanager)
# Syslog and Elasticsearch _bulk senders for the protocol tests: rsyslog
# (omfwd, omelasticsearch from rsyslog-elasticsearch, TLS from
# rsyslog-gnutls; run by the tests as their own foreground process, never as
# the system service), util-linux logger (bsdutils) and openssl (a
# throwaway certificate for the TLS listener).
command -v rsyslogd >/dev/null 2>&1 || [ -x /usr/sbin/rsyslogd ] || need_pkgs+=(rsyslog)
[ -e /usr/lib/x86_64-linux-gnu/rsyslog/omelasticsearch.so ] || ls /usr/lib/*/rsyslog/omelasticsearch.so >/dev/null 2>&1 || need_pkgs+=(rsyslog-elasticsearch)
ls /usr/lib/*/rsyslog/lmnsd_gtls.so >/dev/null 2>&1 || need_pkgs+=(rsyslog-gnutls)
command -v logger >/dev/null 2>&1 || need_pkgs+=(bsdutils)
command -v openssl >/dev/null 2>&1 || need_pkgs+=(openssl)
# zstd(1) compresses the OTLP bodies of the Content-Encoding: zstd test.
command -v zstd >/dev/null 2>&1 || need_pkgs+=(zstd)
[ -x /usr/bin/chromium ] || need_pkgs+=(chromium)
# The agent's copytruncate test rotates with the real logrotate (it skipped on every CI run without it).
[ -x /usr/sbin/logrotate ] || need_pkgs+=(logrotate)
if [ ${#need_pkgs[@]} -eq 0 ]; then
  exit 0
fi
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  say "installing test packages: ${need_pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
else
  echo "WARNING: missing ${need_pkgs[*]} and cannot apt-get install them: journald/nginx/prometheus/alertmanager/syslog/search page tests will be skipped" >&2
  [ "${CI:-}" = "true" ] && exit 1
fi
exit 0
