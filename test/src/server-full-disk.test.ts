/**
 * A full data disk under the server: `logship serve` on the embedded store
 * (either partition format) with its data folder on a real 12 MiB tmpfs
 * (tmpfs.ts), fed until SQLite answers SQLITE_FULL. A batch that cannot be
 * committed answers 503 LS_INGEST_STORE_UNAVAILABLE with Retry-After and
 * is not acknowledged; readiness says why; what was acknowledged stays
 * searchable. Once space is freed (the tmpfs grown) the same server takes
 * the refused batches, and every acknowledged event is there exactly once,
 * also after SIGKILL and a restart.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { countRecent, numberedBatch, postBatch } from './disk-batches.js';
import { mountTmpfs, resizeTmpfs, unmountTmpfs } from './tmpfs.js';
import { removeDir, startServer, stopAll, tempDir, waitFor } from './harness.js';

const BATCH = 2000;


/** Batch `b`: BATCH events numbered b*BATCH…, an hour ago, each line different (so compression does not make the disk last). */
function batchBody(b: number, base: number): Buffer {
  return numberedBatch(b, BATCH, (n) => {
    const noise = (n * 2654435761 >>> 0).toString(36) + (n * 40503 >>> 0).toString(16);
    return { time: new Date(base + n).toISOString(), level: 'info', msg: `fulldisk event ${n} ${noise}`, n };
  });
}

for (const format of ['blocks', 'rows'] as const) describe(`server: a full data disk (store format ${format})`, () => {
  let root: string;
  let mounted: string | null = null;

  before(async () => {
    root = await tempDir('logship-server-fulldisk-');
  });

  after(async () => {
    await stopAll();
    if (mounted) unmountTmpfs(mounted);
    await removeDir(root);
  });

  test('SQLITE_FULL answers 503 and acknowledges nothing; after space is freed every acknowledged event is there once, also after SIGKILL', async (t) => {
    const small = join(root, 'small');
    await mkdir(small);
    if (!mountTmpfs(t, small, '12m')) return;
    mounted = small;
    const dataDir = join(small, 'data');
    const configYaml = `store: { type: sqlite, format: ${format} }\n`;
    let server = await startServer({ dataDir, configYaml });
    const base = Date.now() - 3_600_000;

    // Feed until the disk is full and a few batches more are refused.
    const bodies: Buffer[] = [];
    const acked = new Set<number>();
    const refused: number[] = [];
    for (let b = 0; b < 400 && refused.length < 5; b++) {
      bodies[b] = batchBody(b, base);
      const a = await postBatch(server.url, bodies[b]!);
      if (a.status === 200) {
        assert.equal(a.body.stored, BATCH, `batch ${b}: ${JSON.stringify(a.body)}`);
        acked.add(b);
        continue;
      }
      assert.equal(a.status, 503, `batch ${b}: ${JSON.stringify(a.body)}`);
      assert.equal(a.body.error?.code, 'LS_INGEST_STORE_UNAVAILABLE');
      // The cause once, not the store's sentence inside the route's.
      assert.equal(a.body.error?.message, 'the store could not commit the batch: database or disk is full');
      assert.equal(a.retryAfter, '5');
      refused.push(b);
    }
    assert.ok(refused.length === 5, `the 12 MiB disk filled (acknowledged ${acked.size} batches, refused ${refused.length})`);
    assert.ok(acked.size >= 10, `batches were stored before the disk filled (${acked.size})`);
    console.log(`${format}: disk full after ${acked.size} batches: ${execFileSync('df', ['-k', small], { encoding: 'utf8' }).trim().split('\n').pop()}`);

    // Full: not ready, and says why; what was acknowledged answers searches.
    const ready = await fetch(`${server.url}/health/ready`);
    const readyBody = await ready.text();
    assert.equal(ready.status, 503, readyBody);
    assert.match(readyBody, /ENOSPC|full/, readyBody);
    assert.equal(await countRecent(server.url), acked.size * BATCH);

    // Space freed: the same server recovers without a restart.
    resizeTmpfs(small, '256m');
    await waitFor(async () => (await fetch(`${server.url}/health/ready`)).status === 200, { timeoutMs: 30_000, what: 'ready once space is freed' });
    for (const b of refused) {
      const a = await postBatch(server.url, bodies[b]!);
      assert.equal(a.status, 200, `retry of batch ${b}: ${JSON.stringify(a.body)}`);
      assert.equal(a.body.stored, BATCH);
      acked.add(b);
    }
    const total = acked.size * BATCH;
    assert.equal(await countRecent(server.url), total);

    // SIGKILL, restart: every batch sent again is all duplicates (nothing lost), and the count is the total (nothing twice).
    assert.equal(await server.stop('SIGKILL'), 'SIGKILL');
    server = await startServer({ dataDir, configYaml, port: server.port });
    assert.equal(await countRecent(server.url), total);
    for (const b of acked) {
      const a = await postBatch(server.url, bodies[b]!);
      assert.equal(a.status, 200);
      assert.deepEqual([a.body.stored, a.body.duplicates], [0, BATCH], `batch ${b} again after the restart`);
    }
    assert.equal(await countRecent(server.url), total);
    assert.equal(await server.stop('SIGTERM'), 0, server.output());
  });
});
