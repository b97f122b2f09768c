import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { buildServerConfig, loadServerConfig } from './load-server-config.js';
import { ConfigMistakes } from '../errors/config-mistakes.js';
import { DEFAULT_SERVER_CONFIG } from './server-config.js';
import { parseListen, isLoopback } from './parse-listen.js';
import { withFile } from '../testing/with-config-file.js';


const TOKEN = 'agent-token-0123456789';

test('no file: defaults, frozen, loopback listen', () => {
  const c = loadServerConfig({}, {});
  assert.equal(c.listen, '127.0.0.1:7700');
  assert.equal(c.store.type, 'sqlite');
  assert.equal(c.retention.default_days, 30);
  assert.equal(c.limits.max_fields, DEFAULT_SERVER_CONFIG.limits.max_fields);
  assert.ok(Object.isFrozen(c) && Object.isFrozen(c.limits) && Object.isFrozen(c.auth.tokens));
  assert.throws(() => {
    (c as { listen: string }).listen = 'x';
  }, TypeError);
});

test('file with ${ENV} interpolation, defaults filled in, flags override the file', () => {
  withFile(
    `listen: 0.0.0.0:7701
data: /var/lib/logship
auth:
  tokens:
    - { name: agents, token: "\${AGENT_TOKEN}", scopes: [write] }
    - { name: grafana, token: "\${READ_TOKEN:-read-token-0123456789}", scopes: [read] }
retention: { default_days: 14 }
saved_queries:
  deploys: 'logger:"deploy" AND level:info'
limits: { max_body_bytes: 1000 }
`,
    (file) => {
      const c = loadServerConfig({ config: file }, { AGENT_TOKEN: TOKEN });
      assert.equal(c.listen, '0.0.0.0:7701');
      assert.equal(c.auth.tokens[0]!.token, TOKEN);
      assert.equal(c.auth.tokens[1]!.token, 'read-token-0123456789');
      assert.equal(c.retention.default_days, 14);
      assert.equal(c.retention.check_interval_s, 600);
      assert.equal(c.limits.max_body_bytes, 1000);
      assert.equal(c.limits.max_decompressed_bytes, DEFAULT_SERVER_CONFIG.limits.max_decompressed_bytes);
      assert.equal(c.saved_queries.deploys, 'logger:"deploy" AND level:info');

      const o = loadServerConfig({ config: file, listen: '127.0.0.1:9', data: 'rel/dir' }, { AGENT_TOKEN: TOKEN });
      assert.equal(o.listen, '127.0.0.1:9');
      assert.equal(o.data, resolve('rel/dir'));
    },
  );
});

test('unknown keys are rejected with their path', () => {
  withFile(`auth:\n  tokens:\n    - { name: a, token: "${TOKEN}", scopez: [read] }\n`, (file) => {
    assert.throws(() => loadServerConfig({ config: file }, {}), {
      code: 'LS_CONFIG_UNKNOWN_KEY',
      message: /^unknown config key "auth\.tokens\[0\]\.scopez"; did you mean "scopes"\? \(line 3, column /,
    });
  });
  withFile('listen: 127.0.0.1:1\nlisten_port: 3\n', (file) => {
    assert.throws(() => loadServerConfig({ config: file }, {}), { code: 'LS_CONFIG_UNKNOWN_KEY', message: /^unknown config key "listen_port"; the address is `listen: HOST:PORT` here .* \(line 2/ });
  });
  withFile('retention: { default_days: 3, keep_forever: true }\n', (file) => {
    assert.throws(() => loadServerConfig({ config: file }, {}), { code: 'LS_CONFIG_UNKNOWN_KEY', message: /^unknown config key "retention\.keep_forever" \(line 1, column 31 / });
  });
});

// Retention's keys were checked by its own module only: a misspelt one was
// LS_CONFIG_INVALID "config value at "retention" is invalid: …", with no
// "did you mean" and no line, unlike every other key of the file.
test('a misspelt retention key, at the top or inside a class, says which key was meant and where', () => {
  withFile('retention:\n  default_days: 30\n  clases:\n    - { name: errors, match: "level:error", days: 90 }\n', (file) => {
    assert.throws(() => loadServerConfig({ config: file }, {}), {
      code: 'LS_CONFIG_UNKNOWN_KEY',
      message: /^unknown config key "retention\.clases"; did you mean "classes"\? \(line 3, column 3 of /,
    });
  });
  withFile('retention:\n  classes:\n    - name: errors\n      match: "level:error"\n      dayz: 90\n', (file) => {
    assert.throws(() => loadServerConfig({ config: file }, {}), {
      code: 'LS_CONFIG_UNKNOWN_KEY',
      message: /^unknown config key "retention\.classes\[0\]\.dayz"; did you mean "days"\? \(line 5, column 7 of /,
    });
  });
  assert.throws(() => buildServerConfig({ retention: { check_interval: 60 } }), {
    code: 'LS_CONFIG_UNKNOWN_KEY',
    message: 'unknown config key "retention.check_interval"; did you mean "check_interval_s"?',
  });
});

test('invalid values, missing env, bad YAML, missing file', () => {
  withFile('auth:\n  tokens:\n    - { name: a, token: short, scopes: [write] }\n', (file) => {
    assert.throws(() => loadServerConfig({ config: file }, {}), { code: 'LS_CONFIG_INVALID', message: /auth\.tokens\[0\]\.token/ });
  });
  withFile(`auth:\n  tokens:\n    - { name: a, token: "${TOKEN}", scopes: [admin] }\n`, (file) => {
    assert.throws(() => loadServerConfig({ config: file }, {}), { code: 'LS_CONFIG_INVALID', message: /scopes\[0\].*"read", "write"/ });
  });
  withFile('auth:\n  tokens:\n    - { name: a, token: "${NOPE}", scopes: [write] }\n', (file) => {
    assert.throws(() => loadServerConfig({ config: file }, {}), { code: 'LS_CONFIG_ENV_MISSING', message: /auth\.tokens\[0\]\.token.*NOPE/ });
  });
  withFile('listen: [1, 2\n', (file) => {
    assert.throws(() => loadServerConfig({ config: file }, {}), { code: 'LS_CONFIG_YAML_SYNTAX' });
  });
  assert.throws(() => loadServerConfig({ config: '/nonexistent/logship.yaml' }, {}), { code: 'LS_CONFIG_READ_FAILED' });
  assert.throws(() => loadServerConfig({ listen: 'nonsense' }, {}), { code: 'LS_CONFIG_BAD_LISTEN' });
  assert.throws(() => loadServerConfig({ store: 'elasticsearch' }, {}), { code: 'LS_CONFIG_INVALID', message: /store\.url/ });
  assert.throws(() => loadServerConfig({ store: 'mysql' }, {}), { code: 'LS_CONFIG_INVALID', message: /store\.type/ });
});

test('a value that is one ${ENV} is the number or boolean the schema wants; text stays text', () => {
  const yaml = [
    'retention: { default_days: "${DAYS}", check_interval_s: "${CHECK:-900}", classes: [ { name: errors, match: "level:error", days: "${ERROR_DAYS}" } ] }',
    'auth:',
    '  tokens:',
    // A token of digits is text where the schema wants text.
    '    - { name: a, token: "${TOKEN}", scopes: [write] }',
    '',
  ].join('\n');
  withFile(yaml, (file) => {
    const c = loadServerConfig({ config: file }, { DAYS: '45', ERROR_DAYS: '120', TOKEN: '1234567890123456' });
    assert.equal(c.retention.default_days, 45);
    assert.equal(c.retention.check_interval_s, 900);
    assert.equal(c.retention.classes[0]!.days, 120);
    assert.equal(c.auth.tokens[0]!.token, '1234567890123456');
  });
  // Text around a reference, or a value that is no number, is refused as before.
  withFile('retention: { default_days: "${DAYS}d" }\n', (file) => {
    assert.throws(() => loadServerConfig({ config: file }, { DAYS: '45' }), { code: 'LS_CONFIG_INVALID', message: /retention\.default_days/ });
  });
  withFile('retention: { default_days: "${DAYS}" }\n', (file) => {
    assert.throws(() => loadServerConfig({ config: file }, { DAYS: 'forty' }), { code: 'LS_CONFIG_INVALID', message: /retention\.default_days/ });
  });
  // A string written in the file is not a number.
  withFile('retention: { default_days: "45" }\n', (file) => {
    assert.throws(() => loadServerConfig({ config: file }, {}), { code: 'LS_CONFIG_INVALID', message: /retention\.default_days/ });
  });
});

test('$${ is a literal ${', () => {
  // A phrase: saved queries must parse (checkConfigQueries), and `message:${HOME}` does not.
  withFile('saved_queries: { lit: \'message:"$${HOME}"\' }\n', (file) => {
    assert.equal(loadServerConfig({ config: file }, { HOME: '/root' }).saved_queries.lit, 'message:"${HOME}"');
  });
});

test('listen addresses', () => {
  assert.deepEqual(parseListen('127.0.0.1:7700'), { host: '127.0.0.1', port: 7700 });
  assert.deepEqual(parseListen('[::1]:80'), { host: '::1', port: 80 });
  assert.deepEqual(parseListen(':80'), { host: '0.0.0.0', port: 80 });
  assert.throws(() => parseListen('host:99999'), { code: 'LS_CONFIG_BAD_LISTEN' });
  assert.ok(isLoopback('127.0.0.1') && isLoopback('::1') && isLoopback('localhost'));
  assert.ok(!isLoopback('0.0.0.0') && !isLoopback('10.0.0.1'));
});

test('search.text_fields and ingest.default_timezone', () => {
  const d = loadServerConfig({}, {});
  assert.ok(d.search.text_fields.includes('exc_info') && d.search.text_fields[0] === 'message');
  assert.equal(d.ingest.default_timezone, 'UTC');
  withFile('search: { text_fields: [exc_info, my.trace] }\ningest: { default_timezone: America/Chicago }\n', (file) => {
    const c = loadServerConfig({ config: file }, {});
    assert.deepEqual(c.search.text_fields, ['message', 'exc_info', 'my.trace'], 'message is always one');
    assert.equal(c.ingest.default_timezone, 'America/Chicago');
  });
  withFile('search: { text_fields: [level] }\n', (file) => {
    assert.throws(() => loadServerConfig({ config: file }, {}), /search\.text_fields.*"level" cannot be a text field/);
  });
  withFile('ingest: { default_timezone: Central }\n', (file) => {
    assert.throws(() => loadServerConfig({ config: file }, {}), /ingest\.default_timezone.*"Central" is not an IANA time zone/);
  });
  withFile('search: { text_feilds: [x] }\n', (file) => {
    assert.throws(() => loadServerConfig({ config: file }, {}), /search\.text_feilds/);
  });
});

test('search.tail_max_duration_s: an hour unless set, 0 for no limit, whole seconds', () => {
  assert.equal(loadServerConfig({}, {}).search.tail_max_duration_s, 3600);
  withFile('search: { tail_max_duration_s: 0 }\n', (file) => {
    assert.equal(loadServerConfig({ config: file }, {}).search.tail_max_duration_s, 0);
  });
  withFile('search: { tail_max_duration_s: 120, text_fields: [exc_info] }\n', (file) => {
    const c = loadServerConfig({ config: file }, {});
    assert.equal(c.search.tail_max_duration_s, 120);
    assert.deepEqual(c.search.text_fields, ['message', 'exc_info']);
  });
  for (const bad of ['-1', '1.5', '1h']) {
    withFile(`search: { tail_max_duration_s: ${bad} }\n`, (file) => {
      assert.throws(() => loadServerConfig({ config: file }, {}), /search\.tail_max_duration_s/, bad);
    });
  }
});

test('rule_files, alerting and log_metrics: durations in ms, strict keys, queries checked at load', () => {
  withFile(
    `rule_files: ["/etc/logship/rules/*.yaml"]
alerting:
  evaluation_interval: 30s
  resend_delay: 2m
  alertmanager: { url: ["http://am-1:9093/", "http://am-2:9093"] }
  webhooks: [ { url: "http://hooks.internal/alert", timeout: 5s } ]
log_metrics:
  - { name: log_errors_total, query: 'level:error', labels: [logger, host] }
  - { name: http_request_duration_seconds, query: 'job:nginx', histogram: { field: request_time, buckets: [5, 0.1, 1] } }
`,
    (file) => {
      const c = loadServerConfig({ config: file }, {});
      assert.deepEqual(c.rule_files, ['/etc/logship/rules/*.yaml']);
      assert.equal(c.alerting.evaluation_interval_ms, 30_000);
      assert.equal(c.alerting.resend_delay_ms, 120_000);
      assert.equal(c.alerting.query_timeout_ms, 30_000);
      assert.deepEqual(c.alerting.alertmanager.urls, ['http://am-1:9093', 'http://am-2:9093']);
      assert.deepEqual(c.alerting.webhooks, [{ url: 'http://hooks.internal/alert', timeout_ms: 5000, repeat_interval_ms: 4 * 3_600_000 }]);
      assert.equal(c.log_metrics[0]?.max_series, 1000);
      assert.deepEqual(c.log_metrics[1]?.histogram?.buckets, [0.1, 1, 5]);
    },
  );
  withFile('alerting: { alertmanager: { urls: ["http://am:9093"] } }\n', (file) => {
    assert.throws(() => loadServerConfig({ config: file }, {}), { code: 'LS_CONFIG_UNKNOWN_KEY', message: /alerting\.alertmanager\.urls/ });
  });
  withFile('alerting: { evaluation_interval: 1 minute }\n', (file) => {
    assert.throws(() => loadServerConfig({ config: file }, {}), { code: 'LS_CONFIG_INVALID', message: /alerting\.evaluation_interval/ });
  });
  // These passed the schema and then ran as the default (30s1m) or failed every evaluation (0s), silently.
  withFile('alerting: { resend_delay: 30s1m }\n', (file) => {
    assert.throws(() => loadServerConfig({ config: file }, {}), { code: 'LS_CONFIG_INVALID', message: /"alerting\.resend_delay" "30s1m" is not a duration: .*units largest first/ });
  });
  withFile('alerting: { query_timeout: 0s }\n', (file) => {
    assert.throws(() => loadServerConfig({ config: file }, {}), { code: 'LS_CONFIG_INVALID', message: /"alerting\.query_timeout" must be at least 1ms/ });
  });
  withFile('alerting: { evaluation_interval: 500ms }\n', (file) => {
    assert.throws(() => loadServerConfig({ config: file }, {}), { code: 'LS_CONFIG_INVALID', message: /"alerting\.evaluation_interval" must be at least 1s/ });
  });
  withFile('alerting: { webhooks: [ { url: "http://h", timeout: 1s5s } ] }\n', (file) => {
    assert.throws(() => loadServerConfig({ config: file }, {}), { code: 'LS_CONFIG_INVALID', message: /"alerting\.webhooks\[0\]\.timeout" "1s5s" is not a duration/ });
  });
  withFile('alerting: { webhooks: [ { url: "http://h", repeat_interval: 500ms } ] }\n', (file) => {
    assert.throws(() => loadServerConfig({ config: file }, {}), { code: 'LS_CONFIG_INVALID', message: /"alerting\.webhooks\[0\]\.repeat_interval" must be at least 1s/ });
  });
  withFile('alerting: { webhooks: [ { url: "http://h", repeat_interval: 1h } ] }\n', (file) => {
    assert.equal(loadServerConfig({ config: file }, {}).alerting.webhooks[0]?.repeat_interval_ms, 3_600_000);
  });
  withFile("log_metrics: [ { name: log_errors_total, query: 'level:(error' } ]\n", (file) => {
    assert.throws(() => loadServerConfig({ config: file }, {}), { code: 'LS_CONFIG_INVALID', message: /log_metrics\[0\]\.query" does not parse: .*\nlevel:\(error\n {12}\^/s });
  });
  withFile("log_metrics: [ { name: a_total, query: x }, { name: a_total, query: y } ]\n", (file) => {
    assert.throws(() => loadServerConfig({ config: file }, {}), { message: /log_metrics\[1\]\.name" repeats the name "a_total"/ });
  });
});

// Each of these once started a server whose /metrics Prometheus's parser
// refuses (the whole scrape fails, `up` 0), or whose histogram counted an
// event twice; promtool: `label name "__name__" is reserved`.
test('log_metrics whose exposition would break a scrape are refused at load, naming the key', () => {
  const refused: [string, RegExp][] = [
    ["{ name: a_total, query: x, labels: [event.dataset, event_dataset] }", /log_metrics\[0\]\.labels\[1\]" "event_dataset" becomes the label "event_dataset", as labels\[0\] "event.dataset" does/],
    ["{ name: a_total, query: x, labels: [__name__] }", /log_metrics\[0\]\.labels\[0\]" "__name__" becomes the label "__name__": labels starting with __ are reserved/],
    ["{ name: h, query: x, histogram: { field: t, buckets: [1] }, labels: [le] }", /log_metrics\[0\]\.labels\[0\]" "le" is the bucket label of a histogram/],
    ["{ name: h, query: x, histogram: { field: t, buckets: [2, 1, 1] } }", /log_metrics\[0\]\.histogram\.buckets" holds 1 twice/],
    ["{ name: h, query: x, histogram: { field: t, buckets: [1] } }, { name: h_count, query: y }", /log_metrics\[1\]\.name" "h_count" is a series of the histogram "h"/],
    ["{ name: h_sum, query: y }, { name: h, query: x, histogram: { field: t, buckets: [1] } }", /log_metrics\[1\]\.name" the histogram "h" writes "h_sum", which is the metric "h_sum"/],
  ];
  for (const [entries, message] of refused) {
    withFile(`log_metrics: [ ${entries} ]\n`, (file) => {
      assert.throws(() => loadServerConfig({ config: file }, {}), { code: 'LS_CONFIG_INVALID', message }, entries);
    });
  }
  // A counter may have a label `le`, and a field whose name only looks reserved is fine.
  withFile("log_metrics: [ { name: a_total, query: x, labels: [le, _name] } ]\n", (file) => {
    assert.deepEqual(loadServerConfig({ config: file }, {}).log_metrics[0]?.labels, ['le', '_name']);
  });
});

test('syslog listeners: off by default, addresses checked, unknown keys refused', () => {
  assert.deepEqual(DEFAULT_SERVER_CONFIG.syslog, {});
  withFile('syslog: { listen_tcp: "127.0.0.1:5514", listen_udp: ":5514" }\n', (file) => {
    const cfg = loadServerConfig({ config: file }, {});
    assert.equal(cfg.syslog.listen_tcp, '127.0.0.1:5514');
    assert.equal(cfg.syslog.listen_udp, ':5514');
  });
  withFile('syslog: { listen_tcp: "no-port" }\n', (file) => {
    assert.throws(() => loadServerConfig({ config: file }, {}), { code: 'LS_CONFIG_BAD_LISTEN' });
  });
  withFile('syslog: { listen_dtls: "127.0.0.1:6514" }\n', (file) => {
    assert.throws(() => loadServerConfig({ config: file }, {}), { code: 'LS_CONFIG_UNKNOWN_KEY', message: /syslog\.listen_dtls/ });
  });
});

test('otlp.grpc_listen: off by default, address checked', () => {
  assert.deepEqual(DEFAULT_SERVER_CONFIG.otlp, {});
  withFile('otlp: { grpc_listen: "127.0.0.1:4317" }\n', (file) => {
    assert.equal(loadServerConfig({ config: file }, {}).otlp.grpc_listen, '127.0.0.1:4317');
  });
  withFile('otlp: { grpc_listen: "4317" }\n', (file) => {
    assert.throws(() => loadServerConfig({ config: file }, {}), { code: 'LS_CONFIG_BAD_LISTEN' });
  });
});

test('syslog.listen_tls needs its certificate and key files', () => {
  withFile('syslog: { listen_tls: "127.0.0.1:6514" }\n', (file) => {
    assert.throws(() => loadServerConfig({ config: file }, {}), { code: 'LS_CONFIG_INVALID', message: /syslog\.listen_tls.*tls_cert_file/ });
  });
  withFile('syslog: { listen_tls: "127.0.0.1:6514", tls_cert_file: c.pem, tls_key_file: k.pem }\n', (file) => {
    assert.equal(loadServerConfig({ config: file }, {}).syslog.tls_key_file, 'k.pem');
  });
});

test('store.format picks the SQLite partition format: blocks or rows, and only for sqlite', () => {
  withFile('store: { type: sqlite, format: blocks }\n', (file) => {
    const c = loadServerConfig({ config: file }, {});
    assert.deepEqual(c.store, { type: 'sqlite', format: 'blocks' });
  });
  withFile('store: { type: sqlite, format: columns }\n', (file) => {
    assert.throws(() => loadServerConfig({ config: file }, {}), { code: 'LS_CONFIG_INVALID', message: /store\.format/ });
  });
  withFile('store: { type: elasticsearch, url: "http://es:9200", format: blocks }\n', (file) => {
    assert.throws(() => loadServerConfig({ config: file }, {}), { code: 'LS_CONFIG_INVALID', message: /store\.format/ });
  });
});

test('saved queries are checked at start: syntax (with the caret under the saved text), names @name cannot reach, references inside one', () => {
  const refused = (yaml: string, path: string, detail: RegExp): void => withFile(yaml, (file) => {
    assert.throws(() => loadServerConfig({ config: file }, {}), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'LS_CONFIG_INVALID');
      assert.ok(err.message.startsWith(`config value at "${path}" `), err.message);
      assert.match(err.message, detail);
      return true;
    });
  });
  refused("saved_queries: { bad: 'level:(' }\n", 'saved_queries.bad', /does not parse: expected .* \(column 8 of the query\) \(LS_QUERY_SYNTAX\) \(line 1, column 18 of [^)]*\)\nlevel:\(\n {7}\^$/);
  refused("saved_queries: { re: 'message:/(/' }\n", 'saved_queries.re', /\(LS_QUERY_REGEX_INVALID\)/);
  refused("saved_queries: { recent: '@timestamp:>now-1x' }\n", 'saved_queries.recent', /\(LS_QUERY_INVALID_DATE\)/);
  refused("saved_queries: { 'my query': 'level:error' }\n", 'saved_queries["my query"]', /cannot be referred to as @name/);
  refused("saved_queries: { 5xx: 'status:>=500' }\n", 'saved_queries["5xx"]', /cannot be referred to as @name/);
  refused("saved_queries: { timestamp: 'level:error' }\n", 'saved_queries.timestamp', /cannot be referred to as @name/);
  refused("saved_queries: { web1-errors: '@errors AND host:web-1' }\n", 'saved_queries.web1-errors', /refers to @errors, but saved queries are expanded once/);
  withFile("saved_queries: { web1-errors: 'level:error AND host:web-1', at_sign: 'message:\"@errors\" AND @timestamp:>now-1h' }\n", (file) => {
    assert.equal(loadServerConfig({ config: file }, {}).saved_queries['web1-errors'], 'level:error AND host:web-1');
  });
});

test('a retention class match that does not parse names its key, with the query error', () => {
  withFile("retention: { classes: [ { name: ok, match: 'level:error', days: 9 }, { name: x, match: 'level:(', days: 3 } ] }\n", (file) => {
    assert.throws(() => loadServerConfig({ config: file }, {}), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'LS_CONFIG_INVALID');
      assert.match(err.message, /^config value at "retention\.classes\[1\]\.match" does not parse: expected .* \(LS_QUERY_SYNTAX\) \(line 1, column 81 of [^)]*\)\nlevel:\(\n {7}\^$/);
      return true;
    });
  });
});

test('retention class matches name saved queries as rule files do; an unknown name is refused naming the key', () => {
  withFile("saved_queries: { deploys: 'logger:deploy' }\nretention: { classes: [ { name: e, match: '@errors', days: 90 }, { name: d, match: '@deploys OR @nope', days: 9 } ] }\n", (file) => {
    assert.throws(() => loadServerConfig({ config: file }, {}), { code: 'LS_CONFIG_INVALID', message: /"retention\.classes\[1\]\.match" refers to @nope, which names no saved query/ });
  });
  withFile("retention: { classes: [ { name: e, match: '@errors', days: 90 } ] }\n", (file) => {
    assert.equal(loadServerConfig({ config: file }, {}).retention.classes[0]?.match, '(level:(error OR critical OR alert OR emergency))');
  });
});

test('an operator\'s mistake says what to do: a TLS flag without its pair, a port past 65535, an unset ${VAR}', () => {
  assert.throws(() => loadServerConfig({ tlsCertFile: '/etc/logship/tls.crt' }, {}), {
    code: 'LS_CONFIG_INVALID',
    message: 'config value at "tls" needs key_file: --tls-cert-file was given without --tls-key-file (or tls.key_file in the config)',
  });
  withFile('tls: { key_file: /etc/logship/tls.key, cert_file: /etc/logship/tls.crt }\n', (file) => {
    // The file's pair with one flag replacing one of them is whole.
    assert.equal(loadServerConfig({ config: file, tlsCertFile: '/other.crt' }, {}).tls?.cert_file, '/other.crt');
  });
  assert.throws(() => parseListen('0.0.0.0:70000'), { code: 'LS_CONFIG_BAD_LISTEN', message: /is not HOST:PORT \(a port from 0 to 65535: 127\.0\.0\.1:7700/ });
  withFile('auth:\n  tokens:\n    - { name: a, token: "${AGENT_TOKEN}", scopes: [write] }\n', (file) => {
    assert.throws(() => loadServerConfig({ config: file }, {}), {
      code: 'LS_CONFIG_ENV_MISSING',
      message: /AGENT_TOKEN, which is not set: set it where the server starts \(the unit reads \/etc\/logship\/server\.env\), or write \$\{NAME:-default\}/,
    });
  });
});

test('store.retention_overwrite is a boolean for Elasticsearch only', () => {
  withFile('store: { type: elasticsearch, url: "http://es:9200", retention_overwrite: true }\n', (file) => {
    assert.equal((loadServerConfig({ config: file }, {}).store as { retention_overwrite?: boolean }).retention_overwrite, true);
  });
  withFile('store: { type: elasticsearch, url: "http://es:9200", retention_overwrite: yes please }\n', (file) => {
    assert.throws(() => loadServerConfig({ config: file }, {}), { code: 'LS_CONFIG_INVALID', message: /retention_overwrite/ });
  });
  // A SQLite store is one server's: there is no shared policy to replace.
  withFile('store: { type: sqlite, retention_overwrite: true }\n', (file) => {
    assert.throws(() => loadServerConfig({ config: file }, {}), { code: 'LS_CONFIG_INVALID', message: /store\.retention_overwrite.*elasticsearch only/ });
  });
});

test('every schema mistake at once: the first (an unknown key) is the error, the others follow in its message with their codes', () => {
  assert.throws(() => buildServerConfig({ limits: { max_line_bytes: 0 }, auth: { tokens: [{ name: 'a', token: 'short', scopes: ['read'] }] }, lisen: ':7700' }), (err: unknown) => {
    assert.ok(err instanceof ConfigMistakes);
    assert.equal(err.code, 'LS_CONFIG_UNKNOWN_KEY');
    assert.match(err.first.message, /^unknown config key "lisen"; did you mean "listen"\?/);
    assert.deepEqual(err.more.map((m) => m.code), ['LS_CONFIG_INVALID', 'LS_CONFIG_INVALID']);
    assert.match(err.message, /\n {2}and config value at "auth\.tokens\[0\]\.token" is shorter than the 16 characters/);
    assert.match(err.message, /\n {2}and config value at "limits\.max_line_bytes" must be >= 1 \(LS_CONFIG_INVALID\)/);
    return true;
  });
  // One mistake is thrown as it was.
  assert.throws(() => buildServerConfig({ lisen: ':7700' }), (err: unknown) => !(err instanceof ConfigMistakes) && (err as { code?: string }).code === 'LS_CONFIG_UNKNOWN_KEY');
});
