/**
 * A query the language accepts (up to 8,192 characters) but whose URL
 * encoding is over node's 16 KiB header limit: 3,000 CJK characters are
 * 27 KiB encoded. The CLI sent every search as a GET and got 431
 * LS_API_HEADERS_TOO_LARGE (exit 2); it now sends a long one as a JSON
 * body. Real `logship serve`, the CLI's own code.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { runCountCli, runSearchCli, runTopCli } from '@logship/query';
import { ingest, removeDir, startServer, stopAll, tempDir, type ServerHandle } from './harness.js';

function sink(): { out: Writable; text: () => string } {
  let text = '';
  return { out: new Writable({ write(chunk: Buffer, _enc, done) { text += chunk.toString(); done(); } }), text: () => text };
}

describe('logship search, count, top: a long non-ASCII query', () => {
  let root: string;
  let server: ServerHandle;
  const q = Array.from({ length: 1000 }, () => '日本語').join(' ');

  before(async () => {
    root = await tempDir('logship-long-query-');
    server = await startServer({ dataDir: join(root, 'data') });
    const t = new Date(Date.now() - 60_000).toISOString();
    const lines = [
      JSON.stringify({ '@timestamp': t, level: 'info', message: '日本語のログ: 日本語 ok', host: 'jp-1', 'event.id': 'jp:1' }),
      JSON.stringify({ '@timestamp': t, level: 'info', message: 'english only', host: 'en-1', 'event.id': 'en:1' }),
    ];
    assert.equal((await ingest(server.url, lines)).stored, 2);
  });

  after(async () => {
    await stopAll();
    await removeDir(root);
  });

  test('answers instead of 431', async () => {
    assert.ok(encodeURIComponent(q).length > 16 * 1024 && q.length <= 8192);
    const s = sink();
    assert.equal(await runSearchCli([q, '--json', '--limit', '5', '--server', server.url], s.out), 0);
    assert.deepEqual(s.text().trim().split('\n').map((l) => (JSON.parse(l) as { 'event.id': string })['event.id']), ['jp:1']);
    const c = sink();
    assert.equal(await runCountCli([q, '--server', server.url], c.out), 0);
    assert.equal(c.text(), '1\n');
    const t = sink();
    assert.equal(await runTopCli(['host', q, '--size', '3', '--server', server.url], t.out), 0);
    assert.match(t.text(), /^ +1 {2}jp-1\n$/);
  });
});
