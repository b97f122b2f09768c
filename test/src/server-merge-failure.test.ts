/**
 * A block merge that fails other than on damage: `logship serve` with its
 * data folder on a real tmpfs (tmpfs.ts). Four batches make four small
 * blocks; then a file fills the disk but for room for one more batch's
 * block, not for the merge that batch sets off (five blocks of 1,000
 * events, merged into one before the sources are deleted). The merge
 * fails with SQLITE_FULL: the server says so in its log (a warning naming
 * the partition, the cause and when it tries again) and in /metrics, and
 * every acknowledged event stays searchable once. Once the file is deleted
 * the same server merges the partition and says its merges work again.
 * Until 2026-12-07 the writer thread dropped such a failure without a word.
 */
import assert from 'node:assert/strict';
import { mkdir, readdir, rm, statfs, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { countRecent, numberedBatch, postBatch } from './disk-batches.js';
import { mountTmpfs, unmountTmpfs } from './tmpfs.js';
import { removeDir, startServer, stopAll, tempDir, waitFor, type ServerHandle } from './harness.js';
import { openSqlite } from './sqlite-file.js';


/** A batch's events: five batches' blocks reach 4,096 events, which sets off their merge (blocks/block-merge.ts). */
const BATCH = 1000;

/** Batch `b`: BATCH events an hour ago, each with ~200 characters of noise (so a block's size is its events', not a few pages). */
function batchBody(b: number, base: number): Buffer {
  return numberedBatch(b, BATCH, (n) => {
    let x = n * 2654435761 + 1;
    let noise = '';
    while (noise.length < 200) {
      x = (x * 1103515245 + 12345) % 2147483648;
      noise += x.toString(36);
    }
    return { time: new Date(base + n).toISOString(), level: 'info', msg: `mergefail event ${n} ${noise}`, n };
  });
}

async function usedBytes(dir: string): Promise<{ used: number; free: number }> {
  const s = await statfs(dir);
  return { used: (s.blocks - s.bfree) * s.bsize, free: s.bavail * s.bsize };
}

async function metric(url: string, line: RegExp): Promise<number | null> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const m = line.exec(text);
  return m ? Number(m[1]) : null;
}

const FAILURES = /^logship_store_merge_failures_total\{error_type="SQLITE_FULL"\} (\d+)$/m;
const FAILING = /^logship_store_merge_failing_partitions (\d+)$/m;

function logLines(server: ServerHandle): { level: number; msg: string; partition?: string; error_type?: string }[] {
  return server
    .output()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { level: number; msg: string });
}

/** Blocks under 4,096 events in the partition file (merges fold them when idle). */
function smallBlocks(file: string): number {
  const db = openSqlite(file, { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM blocks WHERE n < 4096').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

let root: string;
let mounted: string | null = null;

before(async () => {
  root = await tempDir('logship-merge-failure-');
});

after(async () => {
  await stopAll();
  if (mounted) unmountTmpfs(mounted);
  await removeDir(root);
});

test('a merge failing on a full disk is logged once with its partition and counted; nothing is lost; once space is freed the partition is merged', async (t) => {
  const small = join(root, 'small');
  await mkdir(small);
  if (!mountTmpfs(t, small, '32m')) return;
  mounted = small;
  const dataDir = join(small, 'data');
  const server = await startServer({ dataDir, configYaml: 'store: { type: sqlite, format: blocks }\n' });
  const base = Date.now() - 3_600_000;

  // Four small blocks (posted back to back: the idle fold waits a second after the last).
  let first = { used: 0, free: 0 };
  for (let b = 0; b < 4; b++) {
    const a = await postBatch(server.url, batchBody(b, base));
    assert.equal(a.status, 200, JSON.stringify(a.body));
    if (b === 0) first = await usedBytes(small);
  }
  // Room for a batch and a half (the file's creation not counted), and the
  // merge of five needs about five. Were the merge or a checkpoint to run
  // early, the idle fold after the fifth batch fails the same way.
  const now = await usedBytes(small);
  const perBatch = (now.used - first.used) / 3;
  const filler = join(small, 'filler');
  await writeFile(filler, Buffer.alloc(Math.max(0, Math.floor(now.free - 1.5 * perBatch))));
  const fifth = await postBatch(server.url, batchBody(4, base));
  assert.equal(fifth.status, 200, `the fifth batch fits (${Math.round(perBatch)} bytes a batch): ${JSON.stringify(fifth.body)}`);

  await waitFor(async () => ((await metric(server.url, FAILURES)) ?? 0) > 0, { timeoutMs: 30_000, what: 'a merge failure in /metrics' });
  assert.equal(await metric(server.url, FAILING), 1);
  // The log line travels on another pipe than the answer.
  const warnings = (): ReturnType<typeof logLines> => logLines(server).filter((l) => l.level === 40 && l.msg.startsWith('Merging blocks of partition'));
  await waitFor(() => warnings().length > 0, { what: 'the warning in the log' });
  const warned = warnings();
  assert.equal(warned.length, 1, server.output());
  const partition = warned[0]!.partition!;
  assert.match(partition, /^\d{4}-\d{2}-\d{2}\.default\.db$/);
  assert.equal(warned[0]!.error_type, 'SQLITE_FULL');
  assert.equal(
    warned[0]!.msg,
    `Merging blocks of partition ${partition} failed (database or disk is full); its blocks stay as they were, no event is lost, and searches read them as they are. Its merges are tried again in 5 s.`,
  );
  // Every acknowledged event is searchable while merges fail.
  assert.equal(await countRecent(server.url), 5 * BATCH);

  // Space freed: the same server merges again, without a restart or a write.
  await rm(filler);
  await waitFor(() => logLines(server).some((l) => l.level === 30 && l.msg.startsWith(`Merges of partition ${partition} no longer fail`)), {
    timeoutMs: 90_000,
    what: 'the merges working again',
  });
  assert.equal(await metric(server.url, FAILING), 0);
  const file = join(dataDir, 'blocks', partition);
  assert.equal(smallBlocks(file), 0, 'the five blocks are one of 5,000 events');
  assert.deepEqual((await readdir(join(dataDir, 'blocks'))).filter((f) => f.endsWith('.db')), [partition]);
  assert.equal(await countRecent(server.url), 5 * BATCH);
  for (const b of [0, 4]) {
    const a = await postBatch(server.url, batchBody(b, base));
    assert.deepEqual([a.body.stored, a.body.duplicates], [0, BATCH], `batch ${b} again`);
  }
  assert.equal(await server.stop('SIGTERM'), 0, server.output());
});
