/**
 * A server whose store holds a damaged day, for the tests of what the agent
 * does with lines of that day (agent-damaged-day, agent-held-lines,
 * agent-held-expiry): yesterday's partition, written by a real server,
 * its blocks' column bytes overwritten with noise (valid SQLite pages, so
 * only the block format's own decoding finds it), the server started again
 * and the damage found by a search, after which writes to that day are
 * refused retryably until the file is moved aside.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ingest, startServer, type ServerHandle } from './harness.js';
import { openSqlite } from './sqlite-file.js';


export const DAY = 86_400_000;

export interface DamagedDay {
  server: ServerHandle;
  /** The server's port, to start it again on after the repair. */
  port: number;
  dataDir: string;
  /** Epoch ms of noon of the damaged day (yesterday, UTC). */
  yesterdayNoon: number;
  /** The damaged partition file: moved aside, it is the operator's repair. */
  damaged: string;
  /**
   * A time on a day that is not the damaged one, by seq: a minute ago, or
   * the start of today when today began less than a minute ago (a minute
   * ago was then the damaged day, and such a line was held, not stored).
   */
  today: (seq: number) => number;
  /** A line's time by its seq: even ones today (stored), odd ones on the damaged day (held). */
  timeOf: (seq: number) => number;
}

export async function startWithDamagedDay(root: string): Promise<DamagedDay> {
  const dataDir = join(root, 'data');
  const yesterdayNoon = Math.floor(Date.now() / DAY) * DAY - DAY / 2;
  const yesterday = new Date(yesterdayNoon).toISOString().slice(0, 10);
  const first = await startServer({ dataDir });
  const port = first.port;
  await ingest(first.url, Array.from({ length: 50 }, (_, i) => JSON.stringify({ '@timestamp': new Date(yesterdayNoon + i * 1000).toISOString(), message: `old ${i}`, run: 'old' })));
  assert.equal(await first.stop('SIGTERM'), 0);
  const damaged = join(dataDir, 'blocks', `${yesterday}.default.db`);
  const db = openSqlite(damaged);
  db.exec('UPDATE cols SET data = randomblob(length(data))');
  db.close();
  const server = await startServer({ dataDir, port });
  // A search over the day finds the damage; from then on writes to that day are refused.
  const found = await fetch(`${server.url}/api/v1/search?q=*&from=now-3d&sort=asc&limit=5`);
  assert.match(await found.text(), /LS_STORE_CORRUPT_PARTITION/);
  const today = (seq: number): number => Math.max(Date.now() - 60_000, yesterdayNoon + DAY / 2) + seq;
  const timeOf = (seq: number): number => (seq % 2 === 0 ? today(seq) : yesterdayNoon + 3_600_000 + seq);
  return { server, port, dataDir, yesterdayNoon, damaged, today, timeOf };
}
