/**
 * WAL checkpoints under a steady trickle of writes (wal-checkpoints.ts), on
 * both embedded formats, real SQLite files: writes every 40 ms for ~1.6 s
 * never leave the 2 s pause the idle checkpoint waits for. Without the
 * timed checkpoint every page stays in the WAL and the partition file
 * keeps only its schema; with it (every 200 ms here) the events reach the
 * partition file and the WAL is truncated as it goes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LogEvent } from '@logship/query';
import { DEFAULT_RETENTION } from '../retention/retention-config.js';
import { BlockStore } from '../blocks/block-store.js';
import { SqliteStore } from './sqlite-store.js';

interface Sizes {
  db: number;
  wal: number;
}

/** Bytes of the partition files and of their WALs under `<dir>/<sub>`. */
function sizes(dir: string): Sizes {
  const out = { db: 0, wal: 0 };
  for (const f of fs.readdirSync(dir)) {
    const size = fs.statSync(path.join(dir, f)).size;
    if (f.endsWith('.db')) out.db += size;
    else if (f.endsWith('.db-wal')) out.wal += size;
  }
  return out;
}

async function trickle(format: 'blocks' | 'rows', checkpointEveryMs: number): Promise<{ sizes: Sizes; stored: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logship-walcp-'));
  const common = { dataDir: dir, retention: DEFAULT_RETENTION, checkpointEveryMs };
  const store = format === 'blocks' ? new BlockStore({ ...common, merges: false }) : new SqliteStore(common);
  store.init();
  let stored = 0;
  try {
    for (let w = 0; w < 40; w++) {
      const events: LogEvent[] = [];
      for (let i = 0; i < 5; i++) {
        events.push({ '@timestamp': new Date().toISOString(), 'event.id': `trickle-${w}-${i}`, level: 'info', message: `request ${w}.${i} served in ${w * 7 + i} ms`, n: w * 5 + i });
      }
      stored += (await store.write(events)).stored;
      await new Promise((r) => setTimeout(r, 40));
    }
    // Measured before close(), which checkpoints and removes the WAL itself.
    return { sizes: sizes(path.join(dir, format === 'blocks' ? 'blocks' : 'sqlite')), stored };
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

for (const format of ['blocks', 'rows'] as const) {
  test(`${format}: a steady trickle of writes is checkpointed without a pause`, async () => {
    const without = await trickle(format, 3_600_000);
    const timed = await trickle(format, 200);
    assert.equal(without.stored, 200);
    assert.equal(timed.stored, 200);
    // The premise: with no pause and no timed checkpoint, everything is still in the WAL.
    assert.ok(without.sizes.wal > 4 * without.sizes.db, `without: ${JSON.stringify(without.sizes)}`);
    // Timed: the partition file holds the events and the WAL is a fraction of the untimed one.
    assert.ok(timed.sizes.db > without.sizes.db, `timed ${JSON.stringify(timed.sizes)} vs without ${JSON.stringify(without.sizes)}`);
    assert.ok(timed.sizes.wal * 3 < without.sizes.wal, `timed ${JSON.stringify(timed.sizes)} vs without ${JSON.stringify(without.sizes)}`);
  });
}
