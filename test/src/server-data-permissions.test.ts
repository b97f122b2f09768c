import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
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

// The README's install ran `logship serve --check` by hand before the first
// start: the data folder did not exist yet, and a user who may not create
// it was told to `chown -R` the folder above it (/var/lib). Now the check
// says the data folder is missing and how to create it for the server's user.
test('serve --check of a data folder that does not exist yet, where this user may not create it, says to create it, not to give away the folder above', async () => {
  const work = await tempDir('logship-perm-missing-');
  try {
    const above = join(work, 'var-lib');
    mkdirSync(above);
    // Root's, and not writable for others: as /var/lib is to an operator.
    chmodSync(above, 0o555);
    chmodSync(work, 0o755);
    const data = join(above, 'logship');
    const check = await logship(['serve', '--check', '--data', data, '--listen', '127.0.0.1:0']);
    assert.equal(check.code, 1, check.stdout + check.stderr);
    assert.match(check.stderr, new RegExp(`${data.replace(/[.]/g, '\\.')} does not exist yet, and this user \\(uid \\d+\\) may not create it: create it for the user the server runs as \\(sudo install -d -o logship -g logship -m 0750 ${data.replace(/[.]/g, '\\.')};.*\\(LS_STORE_DATA_DIR\\)`));
    assert.doesNotMatch(check.stderr, /chown -R/);
    assert.ok(!existsSync(data));
  } finally {
    chmodSync(join(work, 'var-lib'), 0o755);
    await removeDir(work);
  }
});
