/**
 * The doc key dictionary on a real file with two connections, as the
 * server's writer and a reader thread hold it: keys another connection
 * adds are found, and one statement's lookups count the table once.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DocKeys, NO_SUCH_PATH } from './doc-keys.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logship-doc-keys-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('the lookups of one statement count the table once, and still find keys another connection added', () => {
  const file = path.join(dir, 'keys.db');
  const writer = new Database(file);
  writer.exec('CREATE TABLE doc_keys (code TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE) WITHOUT ROWID');
  const writes = new DocKeys(writer);
  writes.codeFor('http.method');
  const ran: string[] = [];
  const reader = new Database(file, { readonly: true, verbose: (sql) => ran.push(String(sql)) });
  const reads = new DocKeys(reader);
  const counts = (): number => ran.filter((sql) => sql.includes('count(*)')).length;
  try {
    // A free-text query over the default text fields: most of them absent here.
    const absent = Array.from({ length: 20 }, (_, i) => `stack_${i}`);
    ran.length = 0;
    const paths = reads.lookup(() => [reads.pathOf('http.method'), ...absent.map((n) => reads.pathOf(n))]);
    assert.equal(paths[0], '$."0"');
    assert.ok(paths.slice(1).every((p) => p === NO_SUCH_PATH));
    assert.equal(counts(), 1, 'one count for the statement');

    // Added by the other connection after: the next statement finds it.
    writes.codeFor('stack_3');
    ran.length = 0;
    assert.equal(reads.lookup(() => reads.pathOf('stack_3')), '$."1"');
    assert.deepEqual(reads.lookup(() => reads.pathsUnder('stack_')), ['$."1"']);
    // Outside a lookup every absent name still asks.
    writes.codeFor('stack_4');
    assert.equal(reads.pathOf('stack_4'), '$."2"');
    assert.equal(reads.pathOf('stack_5'), NO_SUCH_PATH);
  } finally {
    reader.close();
    writer.close();
  }
});
