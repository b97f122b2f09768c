import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ingest, removeDir, startServer, stopAll, tempDir, runLogship } from './harness.js';

after(stopAll);

// Root may write any file, so as root the commands run as nobody, to whom
// the partition file (left owned by root) is read-only, as it is to the
// unit's `logship` user after `sudo logship …` or a backup restored as root.
const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;

const logship = (args: string[]) => runLogship(args, asRoot ? { uid: NOBODY, gid: NOBODY } : {});

test('a partition file the server user cannot write: serve --check and serve refuse, naming the file, instead of a ready server whose batches answer 503', async () => {
  const work = await tempDir('logship-perm-');
  const data = join(work, 'data');
  try {
    const server = await startServer({ dataDir: data });
    const ans = await ingest(server.url, [JSON.stringify({ '@timestamp': new Date().toISOString(), message: 'before', 'event.id': 'p-1' })]);
    assert.equal(ans.stored, 1);
    await server.stop('SIGTERM');

    const blocks = join(data, 'blocks');
    const partition = readdirSync(blocks).find((f) => f.endsWith('.default.db'));
    assert.ok(partition, readdirSync(blocks).join(' '));
    if (asRoot) {
      // Everything belongs to nobody but the partition file, which stays root's and read-only to others.
      for (const dir of [work, data, blocks]) chownSync(dir, NOBODY, NOBODY);
      chmodSync(work, 0o755);
      for (const f of readdirSync(blocks)) if (f !== partition) chownSync(join(blocks, f), NOBODY, NOBODY);
      for (const f of readdirSync(data)) chownSync(join(data, f), NOBODY, NOBODY);
      chmodSync(join(blocks, partition), 0o644);
    } else {
      chmodSync(join(blocks, partition), 0o444);
    }

    const check = await logship(['serve', '--check', '--data', data]);
    assert.equal(check.code, 1, check.stdout + check.stderr);
    assert.match(check.stderr, /LS_STORE_DATA_DIR/);
    assert.ok(check.stderr.includes(join(blocks, partition)), check.stderr);

    const serve = await logship(['serve', '--data', data, '--listen', '127.0.0.1:0']);
    assert.equal(serve.code, 1, serve.stdout + serve.stderr);
    assert.match(serve.stderr, /cannot be written by this user.*chown -R.*\(LS_STORE_DATA_DIR\)/);
    assert.ok(serve.stderr.includes(join(blocks, partition)), serve.stderr);
  } finally {
    await removeDir(work);
  }
});
