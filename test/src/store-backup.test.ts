import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest, removeDir, searchAll, startServer, stopAll, tempDir, runLogship } from './harness.js';
import { openSqlite } from './sqlite-file.js';

after(stopAll);

// SQLite's own integrity check on each copied file, with the driver the
// server uses (resolved from its package; this one does not depend on it).

const logship = (args: string[]) => runLogship(args);

const LEVELS = ['info', 'error', 'debug'] as const;

/** Batch `b`: 300 events over the last four days and all three retention classes, each with its own id. */
function batch(b: number): { lines: string[]; ids: string[] } {
  const lines: string[] = [];
  const ids: string[] = [];
  for (let i = 0; i < 300; i++) {
    const id = `bk-${b}-${i}`;
    const at = new Date(Date.now() - ((b * 300 + i) % 96) * 3_600_000 - i * 1000).toISOString();
    ids.push(id);
    lines.push(JSON.stringify({ '@timestamp': at, level: LEVELS[i % 3], message: `backup test event ${b} ${i}`, run: 'backup', 'event.id': id }));
  }
  return { lines, ids };
}

test('logship store backup copies a live store: every batch acknowledged before it began is in the copy, once; a server starts on it', async () => {
  const server = await startServer();
  const work = await tempDir('logship-backup-');
  try {
    const acked: string[][] = [];
    let b = 0;
    const send = async (): Promise<void> => {
      const { lines, ids } = batch(b++);
      const ans = await ingest(server.url, lines);
      assert.equal(ans.stored, 300, JSON.stringify(ans));
      acked.push(ids);
    };
    for (let i = 0; i < 20; i++) await send();

    // Ingest goes on while the backup runs, into the same partitions.
    let ingesting = true;
    const writer = (async () => {
      while (ingesting) await send();
    })();
    const ackedBefore = acked.flat();
    const dest = join(work, 'copy');
    const res = await logship(['store', 'backup', dest, '--data', server.dataDir]);
    ingesting = false;
    await writer;
    // Taken once the writer stopped: a batch committed before its partition
    // was copied may be answered after the backup exits, and is in the copy.
    const ackedAfter = new Set(acked.flat());
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /Done: \d+ files, \d+ bytes in /);
    assert.ok(b > 20, 'batches were acknowledged while the backup ran');
    assert.ok(!existsSync(`${dest}.partial`));

    const partitions = readdirSync(join(dest, 'blocks'));
    assert.ok(partitions.length >= 3 * 4, partitions.join(' '));
    assert.ok(!partitions.some((f) => /-(wal|shm)$/.test(f)), 'side files are not copied');
    for (const f of partitions) {
      const db = openSqlite(join(dest, 'blocks', f), { readonly: true });
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok', f);
      db.close();
    }

    const restored = await startServer({ dataDir: dest });
    const hits = await searchAll(restored.url, 'run:backup', { from: 'now-5d', to: 'now+1h' });
    const ids = hits.map((h) => h['event.id'] as string);
    assert.equal(new Set(ids).size, ids.length, 'no event twice');
    const have = new Set(ids);
    const missing = ackedBefore.filter((id) => !have.has(id));
    assert.deepEqual(missing.slice(0, 5), [], `${missing.length} events acknowledged before the backup are missing`);
    assert.ok(ids.every((id) => ackedAfter.has(id)), 'only acknowledged events');
    // The copy is a data folder like any other: it takes writes.
    const more = batch(100_000);
    assert.equal((await ingest(restored.url, more.lines)).stored, 300);
  } finally {
    await stopAll();
    await removeDir(work);
  }
});

test('logship store backup refuses a destination that exists or lies in the data folder, and replaces a killed run\'s leftover', async () => {
  const server = await startServer();
  const work = await tempDir('logship-backup-');
  try {
    await ingest(server.url, batch(1).lines);
    const exists = join(work, 'exists');
    mkdirSync(exists);
    const aFile = join(work, 'a-file');
    writeFileSync(aFile, 'not a folder');
    for (const dest of [exists, join(server.dataDir, 'inside'), join(aFile, 'copy')]) {
      const res = await logship(['store', 'backup', dest, '--data', server.dataDir]);
      assert.equal(res.code, 1, res.stdout);
      assert.match(res.stderr, /\(LS_STORE_BACKUP_FAILED\)/);
      // Refused before anything is announced: "Backing up …" came first and read as a backup under way.
      assert.equal(res.stdout, '', dest);
    }
    assert.ok(!existsSync(join(server.dataDir, 'inside')));
    // A data folder that is none: refused before the announcement too.
    const none = await logship(['store', 'backup', join(work, 'from-nothing'), '--data', join(work, 'no-such-data')]);
    assert.notEqual(none.code, 0, none.stderr);
    assert.equal(none.stdout, '');

    const dest = join(work, 'copy');
    mkdirSync(`${dest}.partial/blocks`, { recursive: true });
    writeFileSync(`${dest}.partial/blocks/stale.db`, 'half a file from a killed run');
    const res = await logship(['store', 'backup', dest, '--data', server.dataDir, '--json']);
    assert.equal(res.code, 0, res.stderr);
    const answer = JSON.parse(res.stdout) as { files: { file: string }[] };
    assert.ok(answer.files.some((f) => f.file.startsWith('blocks/')));
    assert.ok(!existsSync(join(dest, 'blocks', 'stale.db')));
    assert.ok(!existsSync(`${dest}.partial`));

    const esConfig = join(work, 'es.yaml');
    writeFileSync(esConfig, 'store: { type: elasticsearch, url: "http://127.0.0.1:9" }\n');
    const es = await logship(['store', 'backup', join(work, 'es'), '--config', esConfig]);
    assert.equal(es.code, 2, es.stderr);
    assert.match(es.stderr, /snapshot API/);
  } finally {
    await stopAll();
    await removeDir(work);
  }
});

test('logship store backup refuses a data folder holding no store (a mistyped --data) with LS_CLI_NO_STORE, and makes no empty "backup"', async () => {
  const work = await tempDir('logship-backup-');
  try {
    const empty = join(work, 'empty-data');
    mkdirSync(empty);
    const dest = join(work, 'copy');
    const res = await logship(['store', 'backup', dest, '--data', empty]);
    assert.notEqual(res.code, 0, res.stdout);
    assert.match(res.stderr, new RegExp(`no SQLite data in ${empty.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*\\(LS_CLI_NO_STORE\\)`));
    assert.equal(res.stdout, '');
    assert.ok(!existsSync(dest), 'no backup made');
    assert.ok(!existsSync(`${dest}.partial`));
    assert.deepEqual(readdirSync(empty), [], 'the folder is left as it was');
  } finally {
    await removeDir(work);
  }
});
