import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, validateConfig } from './config.js';
import { AgentError } from './errors.js';

const minimal = { server: { url: 'http://logs:7700/' }, data_dir: '/var/lib/a', sources: [{ type: 'file', include: ['/var/log/*.log'] }] };

function invalid(doc: unknown, path: RegExp, env: NodeJS.ProcessEnv = {}): void {
  assert.throws(() => validateConfig(doc, env), (err: unknown) => {
    assert.ok(err instanceof AgentError);
    assert.equal(err.code, 'LS_AGENT_CONFIG_INVALID');
    assert.match(err.message, path);
    return true;
  });
}

test('defaults fill in, units are in the names, and the result is frozen', () => {
  const c = validateConfig(minimal, {});
  assert.equal(c.server.url, 'http://logs:7700');
  assert.deepEqual(c.batch, { max_events: 1000, max_bytes: 1048576, max_age_ms: 1000 });
  assert.equal(c.spool.when_full, 'block');
  assert.equal(c.sources[0]!.type, 'file');
  assert.ok(Object.isFrozen(c) && Object.isFrozen(c.sources[0]));
});

test('an unknown key or value names what was most likely meant', () => {
  invalid({ ...minimal, sources: [{ type: 'file', include: ['/a'], mutliline: {} }] }, /at sources\[0\]\.mutliline: unknown key; did you mean multiline\? \(allowed here: type, name, include/);
  invalid({ ...minimal, batch: { max_event: 10 } }, /at batch\.max_event: unknown key; did you mean max_events\?/);
  invalid({ ...minimal, sources: [{ type: 'file', paths: ['/a'] }] }, /at sources\[0\]\.paths: unknown key; did you mean include\?/);
  invalid({ ...minimal, sources: [{ type: 'file', include: ['/a'], close_inactive: '5m' }] }, /at sources\[0\]\.close_inactive: unknown key; did you mean close_idle_ms\?/);
  invalid({ ...minimal, sources: [{ type: 'file', include: ['/a'], scan_frequency: '10s' }] }, /at sources\[0\]\.scan_frequency: unknown key; did you mean poll_interval_ms\?/);
  invalid({ ...minimal, sources: [{ type: 'file', include: ['/a'], charset: 'utf-16le' }] }, /at sources\[0\]\.charset: unknown key; did you mean encoding\?/);
  invalid({ ...minimal, server: 'http://logs:7700' }, /at server: expected a mapping: write server: \{ url: http:\/\/logs:7700 \}/);
  invalid({ ...minimal, sources: [{ type: 'file', include: '/var/log/*.log' }] }, /at sources\[0\]\.include: expected a list of strings: write \["\/var\/log\/\*\.log"\]/);
  invalid({ ...minimal, sources: [{ type: 'file', include: ['/a'], fields: { a: 'b' } }] }, /at sources\[0\]\.fields: unknown key; did you mean labels\?/);
  invalid({ ...minimal, sources: [{ type: 'files', include: ['/a'] }] }, /at sources\[0\]\.type: expected one of file, nginx, docker, kubernetes, journald; did you mean file\?/);
  invalid({ ...minimal, sources: [{ type: 'file', include: ['/a'], units: ['x'] }] }, /at sources\[0\]\.units: unknown key: a key of journald sources, not of file \(allowed/);
  invalid({ ...minimal, sources: [{ type: 'journald', multiline: {} }] }, /at sources\[0\]\.multiline: unknown key: a key of file sources, not of journald/);
  // The peers' multiline keys: Filebeat's pattern/negate/match, Promtail's firstline, Vector's condition_pattern.
  invalid({ ...minimal, sources: [{ type: 'file', include: ['/a'], multiline: { pattern: '^x', negate: true, match: 'after' } }] },
    /multiline\.pattern: unknown key: Filebeat's pattern\/negate\/match: negate: true with match: after is start: PATTERN/);
  invalid({ ...minimal, sources: [{ type: 'file', include: ['/a'], multiline: { firstline: '^x' } }] }, /multiline\.firstline: unknown key; did you mean start\?/);
  invalid({ ...minimal, sources: [{ type: 'file', include: ['/a'], multiline: { condition_pattern: '^\\s' } }] }, /did you mean continuation\?/);
  invalid({ ...minimal, colour: 1 }, /at colour: unknown key \(allowed here/); // nothing close: no guess
});

test('an unknown key is rejected with its path', () => {
  invalid({ ...minimal, spool: { max_byte: 10 } }, /at spool\.max_byte: unknown key/);
  invalid({ ...minimal, sources: [{ type: 'file', include: ['/a'], mutliline: {} }] }, /at sources\[0\]\.mutliline: unknown key/);
  invalid({ ...minimal, sources: [{ type: 'journald', include: ['/a'] }] }, /at sources\[0\]\.include: unknown key/);
  invalid({ ...minimal, extra: 1 }, /at extra: unknown key/);
});

test('wrong types and values name the path', () => {
  invalid({ ...minimal, batch: { max_events: 0 } }, /at batch\.max_events: expected an integer >= 1/);
  invalid({ ...minimal, spool: { when_full: 'panic' } }, /at spool\.when_full: expected one of block, drop_oldest/);
  invalid({ ...minimal, server: { url: 'ftp://x' } }, /at server\.url: must be an http or https URL/);
  invalid({ ...minimal, sources: [{ type: 'file', include: ['relative/*.log'] }] }, /sources\[0\]\.include\[0\]: must be an absolute path/);
  invalid({ ...minimal, sources: [{ type: 'file', include: ['/a'], multiline: { start: '(' } }] }, /multiline\.start: is not a valid regular expression/);
  invalid({ ...minimal, sources: [{ type: 'file', include: ['/a'], multiline: { start: 'a', continuation: 'b' } }] }, /set exactly one of start or continuation/);
  invalid({ ...minimal, sources: [{ type: 'file', include: ['/a'], encoding: 'latin-1' }] }, /sources\[0\]\.encoding: expected one of utf-8, latin1, iso-8859-1, windows-1252, utf-16le, utf-16be; did you mean latin1\?/);
  invalid({ ...minimal, sources: [{ type: 'docker', encoding: 'latin1' }] }, /sources\[0\]\.encoding: the docker preset reads UTF-8 only/);
  invalid({ ...minimal, sources: [{ type: 'file', include: ['/a/*.log*'], exclude: ['\\.gz$'] }] }, /sources\[0\]\.exclude\[0\]: looks like a regular expression, as Filebeat's exclude_files are; exclude takes globs: .*, e\.g\. \*\.gz/);
  invalid({ ...minimal, sources: [{ type: 'file', include: ['/var/log/app\\.log'] }] }, /sources\[0\]\.include\[0\]: looks like a regular expression/);
  invalid({ ...minimal, metrics: { listen: 'nope' } }, /at metrics\.listen: expected HOST:PORT/);
  invalid({ ...minimal, metrics: { listen: '127.0.0.1:99999' } }, /at metrics\.listen: the port must be from 0 to 65535/);
  invalid({ ...minimal, health: { max_spool_percent: 101 } }, /at health\.max_spool_percent: expected an integer from 1 to 100/);
  invalid({ ...minimal, data_dir: undefined }, /at data_dir: is required/);
  invalid({ ...minimal, sources: [{ include: ['/a'] }] }, /at sources\[0\]\.type: is required/);
  // The label held lines of no known source are counted under (held-sources.ts): a source so named would take them in its counts.
  invalid(
    { ...minimal, sources: [{ type: 'file', include: ['/a'] }, { type: 'journald', name: '(unknown)' }] },
    /at sources\[1\]\.name: \(unknown\) is taken: the agent counts held lines whose source it cannot tell under source="\(unknown\)" in its metrics; choose another name/,
  );
});

test('${ENV} is interpolated; a missing variable is an error unless it has a default', () => {
  const doc = { ...minimal, server: { url: '${URL}', token: '${TOKEN}' }, host: '${HOST_NAME:-web-1}' };
  const c = validateConfig(doc, { URL: 'https://logs', TOKEN: 't0k' });
  assert.equal(c.server.url, 'https://logs');
  assert.equal(c.server.token, 't0k');
  assert.equal(c.host, 'web-1');
  assert.throws(() => validateConfig(doc, { URL: 'https://logs' }), /LS_AGENT_CONFIG_ENV|TOKEN/);
});

test('the nginx preset tags its events', () => {
  const c = validateConfig({ ...minimal, sources: [{ type: 'nginx', include: ['/var/log/nginx/access.log'] }] }, {});
  assert.deepEqual(c.sources[0]!.labels, { job: 'nginx', 'log.type': 'nginx' });
});

test('the kubernetes preset reads the kubelet\'s pod logs by default and refuses its symlinks', () => {
  const c = validateConfig({ ...minimal, sources: [{ type: 'kubernetes' }] }, {});
  assert.deepEqual(c.sources[0], { ...c.sources[0], type: 'kubernetes', name: 'kubernetes-0', include: ['/var/log/pods/*/*/*.log'] });
  invalid({ ...minimal, sources: [{ type: 'kubernetes', include: ['/var/log/pods/*/*/*.log', '/var/log/containers/*.log'] }] },
    /sources\[0\]\.include\[1\]: \/var\/log\/containers\/ holds symlinks .* every line would be read twice/);
  invalid({ ...minimal, sources: [{ type: 'kubernetes', include: [] }] }, /sources\[0\]\.include: needs at least one path/);
});

test('YAML files: syntax errors and unreadable files have their own codes', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ls-agent-cfg-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'agent.yaml');
  writeFileSync(file, 'server:\n  url: http://x:1\ndata_dir: /d\nsources:\n  - type: file\n    include: ["/l/*.log"]\n    labels: { job: django }\n');
  assert.equal(loadConfig(file, {}).sources[0]!.labels.job, 'django');
  writeFileSync(file, 'server: [unclosed\n');
  assert.throws(() => loadConfig(file, {}), (e: unknown) => (e as AgentError).code === 'LS_AGENT_CONFIG_SYNTAX');
  assert.throws(() => loadConfig(join(dir, 'missing.yaml'), {}), (e: unknown) => (e as AgentError).code === 'LS_AGENT_CONFIG_READ');
});

test('timezone on file and nginx sources: an IANA name, refused elsewhere', () => {
  const c = validateConfig({ ...minimal, sources: [{ type: 'file', include: ['/a'], timezone: 'America/Chicago' }, { type: 'nginx', include: ['/b'], timezone: 'UTC' }] }, {});
  assert.equal((c.sources[0] as { timezone?: string }).timezone, 'America/Chicago');
  assert.equal((c.sources[1] as { timezone?: string }).timezone, 'UTC');
  invalid({ ...minimal, sources: [{ type: 'file', include: ['/a'], timezone: 'Central' }] }, /at sources\[0\]\.timezone: "Central" is not an IANA time zone name/);
  invalid({ ...minimal, sources: [{ type: 'journald', timezone: 'UTC' }] }, /at sources\[0\]\.timezone: unknown key/);
});

test('journald max_age_s: a day by default, 0 for the whole journal, refused with start_position end; peers\' names pointed to', () => {
  const read = (source: Record<string, unknown>) => validateConfig({ ...minimal, sources: [{ type: 'journald', ...source }] }, {}).sources[0] as { max_age_s: number };
  assert.equal(read({}).max_age_s, 86_400);
  assert.equal(read({ max_age_s: 0 }).max_age_s, 0);
  assert.equal(read({ max_age_s: 3600 }).max_age_s, 3600);
  invalid({ ...minimal, sources: [{ type: 'journald', max_age_s: '7h' }] }, /at sources\[0\]\.max_age_s: expected an integer >= 0/);
  invalid({ ...minimal, sources: [{ type: 'journald', start_position: 'end', max_age_s: 3600 }] }, /at sources\[0\]\.max_age_s: applies only with start_position: beginning/);
  invalid({ ...minimal, sources: [{ type: 'journald', max_age: '7h' }] }, /at sources\[0\]\.max_age: unknown key; did you mean max_age_s\?/);
  invalid({ ...minimal, sources: [{ type: 'journald', seek: 'tail' }] }, /at sources\[0\]\.seek: unknown key; did you mean start_position\?/);
});

test('file sources max_age_s: 0 (no limit) by default, on every file type and with either start_position; Filebeat\'s and Vector\'s names pointed to', () => {
  const read = (source: Record<string, unknown>) => validateConfig({ ...minimal, sources: [{ include: ['/a'], ...source }] }, {}).sources[0] as { max_age_s: number };
  for (const type of ['file', 'nginx', 'docker', 'kubernetes']) {
    assert.equal(read({ type }).max_age_s, 0, type);
    assert.equal(read({ type, max_age_s: 86_400 }).max_age_s, 86_400, type);
  }
  // With end, files found at start begin at their end anyway; the limit still keeps old files that appear later from being read whole.
  assert.equal(read({ type: 'file', start_position: 'end', max_age_s: 3600 }).max_age_s, 3600);
  invalid({ ...minimal, sources: [{ type: 'file', include: ['/a'], max_age_s: '24h' }] }, /at sources\[0\]\.max_age_s: expected an integer >= 0/);
  invalid({ ...minimal, sources: [{ type: 'file', include: ['/a'], max_age_s: -1 }] }, /at sources\[0\]\.max_age_s: expected an integer >= 0/);
  invalid({ ...minimal, sources: [{ type: 'file', include: ['/a'], ignore_older: '24h' }] }, /at sources\[0\]\.ignore_older: unknown key; did you mean max_age_s\?/);
  invalid({ ...minimal, sources: [{ type: 'nginx', include: ['/a'], ignore_older_secs: 86400 }] }, /at sources\[0\]\.ignore_older_secs: unknown key; did you mean max_age_s\?/);
  invalid({ ...minimal, sources: [{ type: 'journald', ignore_older: '24h' }] }, /at sources\[0\]\.ignore_older: unknown key; did you mean max_age_s\?/);
});

test('health and metrics listen on loopback by default; off turns them off', () => {
  const c = validateConfig(minimal);
  assert.deepEqual(c.metrics, { listen: '127.0.0.1:9477' });
  assert.deepEqual(c.health, { max_delivery_lag_s: 300, max_spool_percent: 80 });
  assert.equal(validateConfig({ ...minimal, metrics: { listen: 'off' } }).metrics, undefined);
});

test('server.tls: paths and flags kept; refused on an http URL, with half a client pair, or an unknown key', () => {
  const https = { ...minimal, server: { url: 'https://logs:7700', tls: { ca_file: '/etc/ca.pem', server_name: 'logs.internal' } } };
  assert.deepEqual(validateConfig(https, {}).server.tls, { ca_file: '/etc/ca.pem', server_name: 'logs.internal', insecure_skip_verify: false });
  invalid({ ...minimal, server: { url: 'http://logs:7700', tls: { ca_file: '/etc/ca.pem' } } }, /at server\.tls: needs an https/);
  invalid({ ...https, server: { url: 'https://logs', tls: { cert_file: '/c.pem' } } }, /at server\.tls: set both cert_file and key_file/);
  invalid({ ...https, server: { url: 'https://logs', tls: { ca: '/c.pem' } } }, /at server\.tls\.ca: unknown key/);
  invalid({ ...https, server: { url: 'https://logs', tls: { insecure_skip_verify: 'yes' } } }, /insecure_skip_verify: expected true or false/);
});

test('server.tls files are read at load: a missing CA file is LS_AGENT_TLS_FILE naming the key and file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'agent-tls-'));
  try {
    const file = join(dir, 'agent.yaml');
    writeFileSync(file, `server: { url: "https://logs:7700", tls: { ca_file: ${join(dir, 'missing.pem')} } }\ndata_dir: /tmp/x\nsources: []\n`);
    assert.throws(() => loadConfig(file, {}), (err: unknown) => {
      assert.ok(err instanceof AgentError);
      assert.equal(err.code, 'LS_AGENT_TLS_FILE');
      assert.match(err.message, /server\.tls\.ca_file .*missing\.pem/);
      return true;
    });
    writeFileSync(join(dir, 'bad.pem'), 'not a certificate\n');
    writeFileSync(file, `server: { url: "https://logs:7700", tls: { ca_file: ${join(dir, 'bad.pem')} } }\ndata_dir: /tmp/x\nsources: []\n`);
    assert.throws(() => loadConfig(file, {}), { code: 'LS_AGENT_TLS_FILE' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a server.url that ends with a push endpoint (ours, or a peer\'s) names the address to write', () => {
  // The agent posts to `<url>/api/v1/ingest`: such a url was answered 404 at every retry.
  invalid({ ...minimal, server: { url: 'http://logs:7700/api/v1/ingest' } }, /at server\.url: is the server's address, to which the agent adds \/api\/v1\/ingest itself, not an endpoint \(\/api\/v1\/ingest\): write http:\/\/logs:7700$/);
  invalid({ ...minimal, server: { url: 'https://logs.example.com/logship/loki/api/v1/push' } }, /write https:\/\/logs\.example\.com\/logship$/);
  invalid({ ...minimal, server: { url: 'http://logs:7700/_bulk/' } }, /not an endpoint \(\/_bulk\/\): write http:\/\/logs:7700$/);
  // A path prefix (a reverse proxy's) is an address.
  assert.equal(validateConfig({ ...minimal, server: { url: 'https://proxy/logship/' } }, {}).server.url, 'https://proxy/logship');
});
