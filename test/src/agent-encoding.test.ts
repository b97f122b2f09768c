/**
 * A file whose bytes are not UTF-8 (a Latin-1 log, a stray byte) through
 * the real agent and server: the line is stored with U+FFFD in place of
 * the bad bytes and flagged `logship.invalid_utf8`, as a body ingest
 * decodes itself is; valid lines around it are not flagged.
 */
import assert from 'node:assert/strict';
import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { removeDir, search, startAgent, startServer, stopAll, tempDir, waitFor, type ServerHandle } from './harness.js';
import { agentYaml } from './agent-support.js';

// Today's date: an event older than the retention period would not be stored.
const DAY = new Date().toISOString().slice(0, 10);
let root: string;
let server: ServerHandle;

before(async () => {
  root = await tempDir('logship-agent-enc-');
  server = await startServer({ dataDir: join(root, 'server') });
});

after(async () => {
  await stopAll();
  await removeDir(root);
});

test('a line that is not UTF-8 is stored flagged logship.invalid_utf8; the lines around it are not', async () => {
  const logs = join(root, 'logs');
  await mkdir(logs);
  await appendFile(join(logs, 'app.log'), Buffer.concat([
    Buffer.from('{"level":"info","msg":"before"}\n'),
    Buffer.from('{"level":"error","msg":"caf'), Buffer.from([0xe9]), Buffer.from(' closed","user":"b'), Buffer.from([0xff, 0xfe]), Buffer.from('"}\n'),
    Buffer.from(`${DAY} 12:00:00,000 ERROR latin1 plain caf`), Buffer.from([0xe9]), Buffer.from('\n'),
    Buffer.from('{"level":"info","msg":"after café"}\n'),
  ]));
  const yaml = agentYaml({ server: server.url, dataDir: join(root, 'agent'), include: [join(logs, 'app.log')], labels: { job: 'enc' }, extra: 'metrics: { listen: off }' });
  const agent = await startAgent(yaml, join(root, 'agent.yaml'));
  const hits = await waitFor(async () => {
    const r = await search(server.url, 'job:enc', { limit: 100 });
    return r.hits.length >= 4 ? r.hits : undefined;
  }, { timeoutMs: 30_000, what: 'four events' });
  assert.equal(hits.length, 4);
  const flagged = hits.filter((h) => h['logship.invalid_utf8'] === true).map((h) => h.message).sort();
  assert.deepEqual(flagged, [`${DAY} 12:00:00,000 ERROR latin1 plain caf\uFFFD`, 'caf\uFFFD closed']);
  const json = hits.find((h) => h.message === 'caf\uFFFD closed')!;
  assert.equal(json.level, 'error', 'still read as the JSON line it is');
  assert.equal(json.user, 'b\uFFFD\uFFFD');
  assert.equal(hits.find((h) => h.message === 'after café')!['logship.invalid_utf8'], undefined);
  assert.equal(await agent.stop('SIGTERM'), 0, agent.output());
});

test('encoding: latin1 and windows-1252 files arrive as the text they hold, not flagged; a multiline pattern sees that text', async () => {
  // Filebeat's and Promtail's `encoding`: without it, every é of an old
  // application's ISO-8859-1 log arrived as U+FFFD, flagged invalid.
  const logs = join(root, 'legacy');
  await mkdir(logs);
  await appendFile(join(logs, 'latin1.log'), Buffer.concat([
    Buffer.from(`${DAY} 12:00:00,000 ERROR caf`), Buffer.from([0xe9]), Buffer.from(' ferm'), Buffer.from([0xe9]), Buffer.from('\n'),
    Buffer.from('  d'), Buffer.from([0xe9]), Buffer.from('tail\n'),
    Buffer.from(`${DAY} 12:00:01,000 INFO `), Buffer.from([0xc0]), Buffer.from(' bient'), Buffer.from([0xf4]), Buffer.from('t\n'),
  ]));
  await appendFile(join(logs, 'cp1252.txt'), Buffer.concat([
    Buffer.from(`${DAY} 12:00:02,000 WARN prix `), Buffer.from([0x80]), Buffer.from('5 '), Buffer.from([0x93]), Buffer.from('TTC'), Buffer.from([0x94]), Buffer.from('\n'),
  ]));
  const yaml = [
    agentYaml({ server: server.url, dataDir: join(root, 'agent-legacy'), include: [join(logs, '*.log')], labels: { job: 'legacy' }, extra: 'metrics: { listen: off }',
      source: "    encoding: latin1\n    multiline: { start: '^\\d{4}-', timeout_ms: 300 }" }),
    '  - type: file',
    `    include: [${JSON.stringify(join(logs, '*.txt'))}]`,
    '    labels: { job: legacy }',
    '    encoding: windows-1252',
    '',
  ].join('\n');
  const agent = await startAgent(yaml, join(root, 'agent-legacy.yaml'));
  const hits = await waitFor(async () => {
    const r = await search(server.url, 'job:legacy', { limit: 100 });
    return r.hits.length >= 3 ? r.hits : undefined;
  }, { timeoutMs: 30_000, what: 'three events' });
  assert.deepEqual(hits.map((h) => String(h.message)).sort(), [
    `${DAY} 12:00:00,000 ERROR café fermé\n  détail`,
    `${DAY} 12:00:01,000 INFO À bientôt`,
    `${DAY} 12:00:02,000 WARN prix €5 “TTC”`,
  ]);
  assert.ok(hits.every((h) => h['logship.invalid_utf8'] === undefined));
  assert.equal(await agent.stop('SIGTERM'), 0, agent.output());
});

test('a plain line longer than the server keeps in a message arrives whole, in flagged parts; a long JSON record is parsed whole', async () => {
  // The server stores a plain line as one message, cut at its
  // limits.max_value_bytes (64 KiB); the agent read lines up to 256 KiB as
  // one event, so a 200 KiB line lost its last 136 KiB, and the parts of a
  // longer one each lost all but their first 64 KiB.
  const logs = join(root, 'long');
  await mkdir(logs);
  const text = Array.from({ length: 2000 }, (_, i) => `word${i} café €${i}`).join(' ');
  const plain = `${DAY} 12:00:00,000 INFO dump ${text.repeat(4)}`;
  assert.ok(Buffer.byteLength(plain) > 160 * 1024 && Buffer.byteLength(plain) < 256 * 1024);
  const json = JSON.stringify({ level: 'warn', msg: 'big payload', payload: 'p'.repeat(100 * 1024), order: 17 });
  await appendFile(join(logs, 'app.log'), `${plain}\n${json}\nafter\n`);
  const yaml = agentYaml({ server: server.url, dataDir: join(root, 'agent-long'), include: [join(logs, 'app.log')], labels: { job: 'long' }, extra: 'metrics: { listen: off }' });
  const agent = await startAgent(yaml, join(root, 'agent-long.yaml'));
  const parts = Math.ceil(Buffer.byteLength(plain) / 65_536);
  const hits = await waitFor(async () => {
    const r = await search(server.url, 'job:long', { limit: 100 });
    return r.hits.length >= parts + 2 ? r.hits : undefined;
  }, { timeoutMs: 30_000, what: `${parts} parts, the JSON record and the last line` });
  assert.equal(hits.length, parts + 2);
  const cut = hits.filter((h) => h['logship.truncated'] === true);
  const pieces = cut.filter((h) => h.payload === undefined).sort((a, b) => String(a['event.id']).localeCompare(String(b['event.id'])));
  assert.equal(pieces.length, parts, 'every part flagged');
  assert.equal(pieces.map((h) => String(h.message)).join(''), plain, 'no byte lost, no character cut in two');
  assert.ok(pieces.every((h) => h['logship.invalid_utf8'] === undefined));
  const record = hits.find((h) => h.message === 'big payload')!;
  assert.equal(record.level, 'warning', 'parsed as the JSON record it is');
  assert.equal(record.order, 17);
  assert.equal(String(record.payload).length, 65_536, 'its value cut by the server');
  assert.equal(record['logship.truncated'], true);
  assert.equal(await agent.stop('SIGTERM'), 0, agent.output());
});

test('a UTF-16 file with a byte order mark (LE and BE) is read as the text it holds, whatever encoding says; a UTF-8 mark is not text', async () => {
  // Windows applications and PowerShell write "Unicode" (UTF-16LE with FF FE).
  // Every line arrived as U+FFFD and NUL characters, flagged invalid UTF-8,
  // and 上 (0A 4E little-endian) cut a line in two. Notepad's UTF-8 mark made
  // a JSON first line unparsed text starting with U+FEFF.
  const logs = join(root, 'utf16');
  await mkdir(logs);
  const lines = [`${DAY} 12:00:00,000 ERROR 上海 payment failed`, '  at Shop.Pay()', `${DAY} 12:00:01,000 INFO done 😀`];
  await appendFile(join(logs, 'le.log'), Buffer.from(`\ufeff${lines.join('\r\n')}\r\n`, 'utf16le'));
  await appendFile(join(logs, 'be.log'), Buffer.from(`\ufeff${lines[2]}\n`, 'utf16le').swap16());
  await appendFile(join(logs, 'bom8.log'), `\ufeff{"level":"error","msg":"json after a UTF-8 mark"}\n`);
  const yaml = agentYaml({ server: server.url, dataDir: join(root, 'agent-utf16'), include: [join(logs, '*.log')], labels: { job: 'utf16' },
    extra: 'metrics: { listen: off }', source: "    multiline: { start: '^\\d{4}-', timeout_ms: 300 }" });
  const agent = await startAgent(yaml, join(root, 'agent-utf16.yaml'));
  const hits = await waitFor(async () => {
    const r = await search(server.url, 'job:utf16', { limit: 100 });
    return r.hits.length >= 4 ? r.hits : undefined;
  }, { timeoutMs: 30_000, what: 'four events' });
  await appendFile(join(logs, 'le.log'), Buffer.from('appended later\r\n', 'utf16le'));
  const all = await waitFor(async () => {
    const r = await search(server.url, 'job:utf16', { limit: 100 });
    return r.hits.length >= 5 ? r.hits : undefined;
  }, { timeoutMs: 30_000, what: 'the appended line' });
  assert.equal(hits.length, 4);
  assert.deepEqual(all.map((h) => String(h.message)).sort(), [
    `${lines[0]}\n${lines[1]}`, lines[2], lines[2], 'appended later', 'json after a UTF-8 mark',
  ].sort());
  assert.ok(all.every((h) => h['logship.invalid_utf8'] === undefined));
  assert.equal(all.find((h) => String(h.message).includes('上海'))!.level, 'error');
  assert.equal(all.find((h) => h.message === 'json after a UTF-8 mark')!.level, 'error', 'the JSON line is parsed');
  assert.equal(await agent.stop('SIGTERM'), 0, agent.output());
});
