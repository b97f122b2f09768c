/**
 * Answers a sender should retry, from a listening server over real sockets:
 * every protocol route (native, Loki push, Elasticsearch bulk, OTLP/HTTP)
 * answers a store that cannot commit, and a request that arrives while the
 * server shuts down, with 503 and Retry-After (what Vector, Filebeat,
 * Promtail and the OTel exporters wait for), and logs it as a warning, not
 * an error: nothing is lost, the sender retries.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { buildServerConfig } from '../config/load-server-config.js';
import { openStore } from '../store/open-store.js';
import { startServer } from './server.js';

const at = new Date(Date.now() - 60_000);
const ROUTES: { name: string; path: string; type: string; body: string }[] = [
  { name: 'native', path: '/api/v1/ingest', type: 'application/x-ndjson', body: JSON.stringify({ '@timestamp': at.toISOString(), msg: 'retry me' }) + '\n' },
  {
    name: 'loki',
    path: '/loki/api/v1/push',
    type: 'application/json',
    body: JSON.stringify({ streams: [{ stream: { job: 'x' }, values: [[String(at.getTime() * 1e6), 'retry me']] }] }),
  },
  { name: 'elasticsearch', path: '/es/_bulk', type: 'application/x-ndjson', body: '{"create":{"_index":"logs"}}\n' + JSON.stringify({ '@timestamp': at.toISOString(), message: 'retry me' }) + '\n' },
  {
    name: 'otlp',
    path: '/v1/logs',
    type: 'application/json',
    body: JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: String(at.getTime() * 1e6), body: { stringValue: 'retry me' } }] }] }] }),
  },
];

async function server() {
  const dir = mkdtempSync(join(tmpdir(), 'logship-retry-'));
  const logLines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (s: string) => void logLines.push(JSON.parse(s) as Record<string, unknown>) });
  const config = buildServerConfig({ data: dir, listen: '127.0.0.1:0' });
  const running = await startServer({ config, logger, openStore: (c) => openStore(c), retentionAtStart: false });
  return { running, logLines, dir };
}

test('a store that cannot commit: every protocol answers 503 with Retry-After, logged as a warning, not an error', async () => {
  const { running, logLines, dir } = await server();
  try {
    await running.store.close();
    for (const r of ROUTES) {
      const res = await fetch(`${running.url}${r.path}`, { method: 'POST', headers: { 'content-type': r.type }, body: r.body });
      assert.equal(res.status, 503, `${r.name}: ${await res.text()}`);
      assert.equal(res.headers.get('retry-after'), '5', r.name);
    }
    const errors = logLines.filter((l) => (l.level as number) >= 50);
    assert.deepEqual(errors.map((l) => l.msg), [], 'no error-level lines');
    assert.ok(logLines.filter((l) => l.level === 40).length >= ROUTES.length, 'warnings');
  } finally {
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Sends `first` with its body held back, starts the close, then the rest and `second` pipelined on the same connection: the answer to `second`. */
async function pipelinedDuringClose(port: number, close: () => Promise<void>, r: (typeof ROUTES)[number]): Promise<string> {
  const head = (body: string) => `POST ${r.path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: ${r.type}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n`;
  const socket = connect(port, '127.0.0.1');
  let text = '';
  socket.setEncoding('utf8');
  socket.on('data', (d: string) => (text += d));
  const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  await new Promise<void>((resolve) => socket.on('connect', () => resolve()));
  const firstBody = r.body;
  socket.write(head(firstBody) + firstBody.slice(0, 5));
  // A moment for the server to read the first request's head: closing then waits for it.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const closed = close();
  // Closing has begun once the port takes no new connection.
  for (;;) {
    try {
      await fetch(`http://127.0.0.1:${port}/health`);
    } catch {
      break;
    }
  }
  socket.write(firstBody.slice(5) + head(r.body) + r.body);
  await ended;
  await closed;
  const answers = text.split(/(?=HTTP\/1\.1 )/);
  return answers[1] ?? `(one answer) ${text}`;
}

for (const r of ROUTES) {
  test(`${r.name}: a request arriving while the server shuts down is answered 503 with Retry-After and a warning`, async () => {
    const { running, logLines, dir } = await server();
    try {
      const port = Number(new URL(running.url).port);
      const second = await pipelinedDuringClose(port, () => running.close(), r);
      assert.match(second, /^HTTP\/1\.1 503/, second);
      assert.match(second, /\r\nretry-after: 5\r\n/i, second);
      assert.match(second, /LS_INGEST_SHUTTING_DOWN/, second);
      assert.deepEqual(logLines.filter((l) => (l.level as number) >= 50).map((l) => l.msg), []);
    } finally {
      await running.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
