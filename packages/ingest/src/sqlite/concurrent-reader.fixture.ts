/**
 * Child process for the concurrent-reader test: opens the same data folder
 * as the writing parent and counts events in a loop, printing each count,
 * until it reads `stop` on stdin. Any error is printed and exits non-zero.
 *
 *   node concurrent-reader.fixture.js <dataDir> <nowMs>
 */
import { openSqliteStore } from './open-sqlite-store.js';

const [dataDir, nowArg] = process.argv.slice(2);
if (!dataDir || !nowArg) throw new Error('usage: concurrent-reader.fixture.js <dataDir> <nowMs>');
const now = Number(nowArg);
const store = await openSqliteStore({ dataDir, now: () => now });
let stop = false;
process.stdin.on('data', () => (stop = true));
try {
  while (!stop) {
    const n = await store.count({ query: { type: 'match_all', loc: { start: 0, end: 0 } }, from: 0, to: now + 1, now });
    const page = await store.search({
      query: { type: 'term', field: null, value: 'line', phrase: false, loc: { start: 0, end: 0 } },
      from: 0,
      to: now + 1,
      limit: 5,
      now,
    });
    process.stdout.write(`count ${n} ${page.hits.length}\n`);
    await new Promise((resolve) => setImmediate(resolve));
  }
  await store.close();
} catch (err) {
  process.stdout.write(`error ${String(err)}\n`);
  process.exitCode = 1;
}
