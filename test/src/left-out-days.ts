/**
 * A real `logship serve` whose store leaves two days out of every answer,
 * for the tests of what the page and the CLI say of an answer's `warnings`
 * (ui-answer-warnings, cli-answer-warnings): events on three past days,
 * one day's partition file with its header overwritten (found at the
 * start: LS_STORE_CORRUPT_PARTITION) and one made unopenable for the
 * server's user before it starts (LS_STORE_PARTITION_DENIED; the start
 * logs it and serves the rest; until 2026-12-07 it refused such a file, and
 * the file was denied once the server ran). As root the server runs as
 * nobody and the file is root's with mode 600 (root opens anything); as
 * another user it is mode 000. The third day is answered.
 */
import assert from 'node:assert/strict';
import { chmodSync, chownSync, closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ingest, startServer, type ServerHandle } from './harness.js';
import { chownTree, NOBODY } from './file-owner.js';

const DAY = 86_400_000;

export interface LeftOutDay {
  /** The UTC day, `2026-12-05`. */
  day: string;
  /** The partition's name in answers' warnings, its file's name. */
  partition: string;
  code: 'LS_STORE_CORRUPT_PARTITION' | 'LS_STORE_PARTITION_DENIED';
}

export interface LeftOutDays {
  server: ServerHandle;
  damaged: LeftOutDay;
  denied: LeftOutDay;
  /** The UTC day answered, and the `message` of each of its events (`kept 0` …; `bytes` 100 …). */
  kept: { day: string; messages: string[] };
  /** ISO bounds of a range over all three days, and of one over the first two kept events alone. */
  all: { from: string; to: string };
  keptOnly: { from: string; to: string };
}

/** `root`: an empty temporary folder, removed by the caller. */
export async function startWithLeftOutDays(root: string): Promise<LeftOutDays> {
  const asRoot = process.getuid?.() === 0;
  const as = asRoot ? { as: { uid: NOBODY, gid: NOBODY } } : {};
  chmodSync(root, 0o755);
  const dataDir = join(root, 'data');
  if (asRoot) chownTree(root, NOBODY);
  // Days back, away from today: a write of a day probes the day before, and none is written after the damage.
  const base = Math.floor(Date.now() / DAY) * DAY;
  const noonOf = (back: number): number => base - back * DAY + DAY / 2;
  const dayOf = (back: number): string => new Date(noonOf(back)).toISOString().slice(0, 10);
  const line = (run: string, back: number, i: number): string =>
    JSON.stringify({ '@timestamp': new Date(noonOf(back) + i * 1000).toISOString(), 'event.id': `${run}-${i}`, message: `${run} ${i}`, run, bytes: 100 + i });
  const first = await startServer({ dataDir, ...as });
  const lines = [0, 1, 2].map((i) => line('kept', 1, i)).concat([0, 1].map((i) => line('denied', 2, i)), [0, 1].map((i) => line('damaged', 3, i)));
  assert.equal((await ingest(first.url, lines)).stored, lines.length);
  assert.equal(await first.stop('SIGTERM'), 0);

  const folder = join(dataDir, 'blocks');
  const damaged: LeftOutDay = { day: dayOf(3), partition: `${dayOf(3)}.default.db`, code: 'LS_STORE_CORRUPT_PARTITION' };
  const denied: LeftOutDay = { day: dayOf(2), partition: `${dayOf(2)}.default.db`, code: 'LS_STORE_PARTITION_DENIED' };
  const fd = openSync(join(folder, damaged.partition), 'r+');
  writeSync(fd, Buffer.alloc(16, 0x5a), 0, 16, 0);
  closeSync(fd);
  const deniedFile = join(folder, denied.partition);
  if (asRoot) chownSync(deniedFile, 0, 0);
  chmodSync(deniedFile, asRoot ? 0o600 : 0o000);
  const server = await startServer({ dataDir, port: first.port, ...as });
  return {
    server,
    damaged,
    denied,
    kept: { day: dayOf(1), messages: [0, 1, 2].map((i) => `kept ${i}`) },
    all: { from: new Date(noonOf(5)).toISOString(), to: new Date(base).toISOString() },
    keptOnly: { from: new Date(noonOf(1) - 3_600_000).toISOString(), to: new Date(noonOf(1) + 1500).toISOString() },
  };
}
