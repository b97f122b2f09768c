/**
 * `logship count` past the 10,000 events a search counts: it printed
 * "≥10000" for 20,022 matching events; it now prints the exact number, as
 * the search page's histogram total does. Real `logship serve`, the CLI's
 * own code.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { runCountCli, runSearchCli } from '@logship/query';
import { ingest, removeDir, startServer, stopAll, tempDir, type ServerHandle } from './harness.js';

async function count(args: string[]): Promise<{ status: number; out: string }> {
  let out = '';
  const sink = new Writable({ write(chunk: Buffer, _enc, done) { out += chunk.toString(); done(); } });
  const status = await runCountCli(args, sink);
  return { status, out };
}

describe('logship count', () => {
  let root: string;
  let server: ServerHandle;
  const N = 12_345;

  before(async () => {
    root = await tempDir('logship-count-');
    server = await startServer({ dataDir: join(root, 'data') });
    const now = Date.now();
    const lines = Array.from({ length: N }, (_, i) => JSON.stringify({
      '@timestamp': new Date(now - 60_000 - i * 100).toISOString(), level: i % 5 === 0 ? 'error' : 'info', message: `count test ${i}`, 'event.id': `c:${String(i).padStart(6, '0')}`,
    }));
    assert.equal((await ingest(server.url, lines)).stored, N);
  });

  after(async () => {
    await stopAll();
    await removeDir(root);
  });

  test('past 10,000 matches: the exact number, not ≥10000', async () => {
    assert.deepEqual(await count(['--server', server.url, '--from', 'now-1d']), { status: 0, out: `${N}\n` });
    assert.deepEqual(await count(['count', 'test', '--server', server.url, '--from', 'now-1d', '--json']), { status: 0, out: `${JSON.stringify({ value: N, relation: 'eq' })}\n` });
    assert.deepEqual(await count(['level:info', '--server', server.url, '--from', 'now-1d']), { status: 0, out: `${N - Math.ceil(N / 5)}\n` });
  });

  test('under 10,000 and none: as before', async () => {
    assert.deepEqual(await count(['level:error', '--server', server.url, '--from', 'now-1d']), { status: 0, out: `${Math.ceil(N / 5)}\n` });
    assert.deepEqual(await count(['nothing-matches-this', '--server', server.url, '--from', 'now-1d']), { status: 1, out: '0\n' });
  });

  test('search --json --fields: each line holds only those fields (and @timestamp, event.id)', async () => {
    let out = '';
    const sink = new Writable({ write(chunk: Buffer, _enc, done) { out += chunk.toString(); done(); } });
    assert.equal(await runSearchCli(['count', '--json', '--fields', 'level', '--limit', '2', '--from', 'now-1d', '--server', server.url], sink), 0);
    const lines = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(lines.length, 2);
    // Before: every field of each event; --fields only changed the table.
    for (const ev of lines) assert.deepEqual(Object.keys(ev).sort(), ['@timestamp', 'event.id', 'level']);
  });
});
