import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { removeDir, stopAll, tempDir, runLogship } from './harness.js';

after(stopAll);

// Root may write any folder, so as root the commands run as nobody, to whom
// a folder of root's is read-only, as /var/lib is to the unit's `logship` user.
const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;

const logship = (args: string[]) => runLogship(args, asRoot ? { uid: NOBODY, gid: NOBODY } : {});

// A partition file the server user cannot write no longer refuses the start nor `serve --check` (2026-12-07): the
// server starts and refuses that day alone; server-denied-partition.test.ts checks the start, the check's warning
// naming the file and its owner, and the day's 503 until a chown.

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
