/**
 * A partition found damaged inside while the server runs is said in the
 * server's log, one error line naming it, whichever embedded format the
 * data folder holds: a search on a reader thread finds the damage, the
 * main thread is told (store-background-log.ts). Until 2026-12-07 the row
 * store (`store.format: rows`) said it only in answers' warnings.
 * damaged-day-answers.test.ts has what the block store's answers say.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { buildServerConfig } from '../config/load-server-config.js';
import { openStore } from '../store/open-store.js';
import { startServer } from './server.js';

const DAY = 86_400_000;

// How each format's day is damaged where only a read of its values sees it (quick_check passes).
const damage = {
  rows: { folder: 'sqlite', sql: 'UPDATE events SET doc = \'{"0":\'', reason: /the fields of event row \d+ are not a JSON object/ },
  blocks: { folder: 'blocks', sql: 'UPDATE cols SET data = randomblob(length(data))', reason: /damaged inside/ },
} as const;

for (const format of ['rows', 'blocks'] as const) {
  test(`${format}: a partition a search finds damaged while the server runs is an error line naming it, once`, async () => {
    const dir = mkdtempSync(join(tmpdir(), `logship-damage-log-${format}-`));
    const config = buildServerConfig({ data: dir, listen: '127.0.0.1:0', store: { type: 'sqlite', format } });
    const lines: { level: number; msg: string; partition?: string; reason?: string }[] = [];
    const logger = pino({ level: 'error' }, { write: (s: string) => void lines.push(JSON.parse(s) as { level: number; msg: string }) });
    const running = await startServer({ config, logger, openStore: (c) => openStore(c), retentionAtStart: false });
    try {
      const old = Math.floor(Date.now() / DAY) * DAY - DAY / 2;
      const body = Array.from({ length: 50 }, (_, i) => JSON.stringify({ '@timestamp': new Date(old - i * 1000).toISOString(), message: `before the damage ${i}`, n: i })).join('\n') + '\n';
      const posted = await fetch(`${running.url}/api/v1/ingest`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body });
      assert.equal(posted.status, 200, await posted.text());
      const name = `${new Date(old).toISOString().slice(0, 10)}.default.db`;
      const db = new Database(join(dir, damage[format].folder, name));
      db.exec(damage[format].sql);
      db.close();

      for (let i = 0; i < 2; i++) {
        const search = await fetch(`${running.url}/api/v1/search?q=*&from=now-3d&sort=asc`);
        assert.equal(search.status, 200);
        assert.match(await search.text(), /LS_STORE_CORRUPT_PARTITION/);
      }
      const said = lines.filter((l) => l.msg.startsWith('Partition '));
      assert.deepEqual(
        said.map((l) => [l.level, l.partition, l.msg.replace(/\(.*\)/, '(…)')]),
        [[50, name, `Partition ${name} is damaged inside (…); searches over its day leave it out and writes to its day are refused: stop the server, restore it from a backup or move it aside, and start again.`]],
      );
      assert.match(said[0]!.reason ?? '', damage[format].reason);
    } finally {
      await running.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
