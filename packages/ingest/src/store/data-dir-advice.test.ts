import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataDirAdvice } from './data-dir-advice.js';

const bin = join(dirname(fileURLToPath(import.meta.url)), '../../bin/logship.js');

test('a data folder the server cannot use says what to do, at start and by serve --check', () => {
  const root = mkdtempSync(join(tmpdir(), 'logship-datadir-'));
  try {
    // Below a plain file: no user, root included, can create it.
    writeFileSync(join(root, 'a-file'), 'not a folder\n');
    const data = join(root, 'a-file', 'data');
    for (const args of [['serve', '--check'], ['serve', '--listen', '127.0.0.1:0']]) {
      const r = spawnSync(process.execPath, [bin, ...args, '--data', data], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(r.status, 1, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, new RegExp(`cannot use ${data}\\S*: .*; a file stands where a folder is needed: choose another data folder \\(--data or data: in the config\\) \\(LS_STORE_DATA_DIR\\)`), args.join(' '));
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('permission denied points at chown and the user the server runs as', () => {
  assert.match(dataDirAdvice({ code: 'EACCES' }), /^; give it to the user the server runs as \(uid \d+\) \(chown -R\), or choose another data folder/);
  assert.match(dataDirAdvice({ code: 'EROFS' }), /read-only/);
  assert.equal(dataDirAdvice(new Error('something else')), '');
});
