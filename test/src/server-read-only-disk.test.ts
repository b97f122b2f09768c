/**
 * The data disk turns read-only under a running server, as ext4 mounted
 * `errors=remount-ro` does on an I/O error (ext4-image.ts: a real ext4
 * image, the kernel's own error path): `logship serve` on the embedded
 * store (either partition format). A batch that cannot be committed
 * answers 503 LS_INGEST_STORE_UNAVAILABLE with Retry-After and is not
 * acknowledged; readiness says why; searches still answer from what was
 * acknowledged; nothing crashes the server (background merges included).
 * After the disk is checked and mounted again, as a host comes back, every
 * acknowledged event is there exactly once and the refused batches are
 * taken.
 */
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { countRecent, numberedBatch, postBatch } from './disk-batches.js';
import { failExt4, mountExt4Image, repairExt4, unmountExt4, type Ext4Image } from './ext4-image.js';
import { removeDir, startServer, stopAll, tempDir } from './harness.js';

const BATCH = 500;
const BATCHES = 40;

/** Batch `b`: BATCH events numbered b*BATCH…, an hour ago. */
function batchBody(b: number, base: number): Buffer {
  return numberedBatch(b, BATCH, (n) => ({ time: new Date(base + n).toISOString(), level: n % 7 === 0 ? 'error' : 'info', msg: `read-only event ${n}`, n }));
}

for (const format of ['blocks', 'rows'] as const) describe(`server: the data disk turns read-only (store format ${format})`, () => {
  let root: string;
  let mounted: Ext4Image | null = null;

  before(async () => {
    root = await tempDir('logship-server-readonly-');
  });

  after(async () => {
    await stopAll();
    if (mounted) unmountExt4(mounted);
    await removeDir(root);
  });

  test('writes answer 503 and acknowledge nothing, searches answer; the disk repaired, every acknowledged event is there once', async (t) => {
    const disk = join(root, 'disk');
    await mkdir(disk);
    mounted = mountExt4Image(t, join(root, 'disk.img'), disk, '256M');
    if (!mounted) return;
    const dataDir = join(disk, 'data');
    const configYaml = `store: { type: sqlite, format: ${format} }\n`;
    let server = await startServer({ dataDir, configYaml });
    const base = Date.now() - 3_600_000;
    const bodies = Array.from({ length: BATCHES }, (_, b) => batchBody(b, base));

    // Half the batches while the disk is writable: small fresh blocks a merge would take.
    const acked = new Set<number>();
    for (let b = 0; b < BATCHES / 2; b++) {
      const a = await postBatch(server.url, bodies[b]!);
      assert.equal(a.status, 200, `batch ${b}: ${JSON.stringify(a.body)}`);
      acked.add(b);
    }

    failExt4(mounted);
    const refused: number[] = [];
    for (let b = BATCHES / 2; b < BATCHES; b++) {
      const a = await postBatch(server.url, bodies[b]!);
      assert.equal(a.status, 503, `batch ${b}: ${JSON.stringify(a.body)}`);
      assert.equal(a.body.error?.code, 'LS_INGEST_STORE_UNAVAILABLE', JSON.stringify(a.body));
      // SQLite says "disk I/O error"; the sender and the log also read why.
      assert.match(a.body.error?.message ?? '', /EROFS: read-only file system/, JSON.stringify(a.body));
      assert.equal(a.retryAfter, '5');
      refused.push(b);
    }
    const ready = await fetch(`${server.url}/health/ready`);
    const readyBody = await ready.text();
    assert.equal(ready.status, 503, readyBody);
    assert.match(readyBody, /read-only|readonly|EROFS/i, readyBody);
    assert.equal(await countRecent(server.url), acked.size * BATCH);
    const search = await fetch(`${server.url}/api/v1/search?${new URLSearchParams({ q: 'level:error', from: 'now-3h', to: 'now+1h', limit: '5' })}`);
    assert.equal(search.status, 200, await search.clone().text());
    assert.equal(server.proc.exitCode ?? server.proc.signalCode, null, `the server is still running:\n${server.output()}`);

    // The host's way back: the server stopped, the disk checked, mounted, the server started.
    const stopped = await server.stop('SIGTERM');
    console.log(`${format}: SIGTERM on a read-only disk: exit ${stopped}`);
    repairExt4(mounted);
    server = await startServer({ dataDir, configYaml, port: server.port });
    const total = acked.size * BATCH;
    assert.equal(await countRecent(server.url), total);
    for (const b of acked) {
      const a = await postBatch(server.url, bodies[b]!);
      assert.equal(a.status, 200, JSON.stringify(a.body));
      assert.deepEqual([a.body.stored, a.body.duplicates], [0, BATCH], `batch ${b} again after the repair`);
    }
    for (const b of refused) {
      const a = await postBatch(server.url, bodies[b]!);
      assert.equal(a.status, 200, `retry of batch ${b}: ${JSON.stringify(a.body)}`);
      assert.equal(a.body.stored, BATCH);
    }
    assert.equal(await countRecent(server.url), BATCHES * BATCH);
    assert.equal(await server.stop('SIGTERM'), 0, server.output());
  });
});
