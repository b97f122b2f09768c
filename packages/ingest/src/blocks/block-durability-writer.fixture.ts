/**
 * Child process for the block store SIGKILL durability test (as sqlite/durability-writer.fixture.ts): writes batches forever and
 * prints `ack N` after each write() resolves (N = events acknowledged so
 * far). The parent kills it with SIGKILL at an arbitrary moment.
 *
 *   node block-durability-writer.fixture.js <dataDir> <nowMs>
 */
import type { LogEvent } from '@logship/query';
import { openBlockStore } from './open-block-store.js';

const [dataDir, nowArg] = process.argv.slice(2);
if (!dataDir || !nowArg) throw new Error('usage: block-durability-writer.fixture.js <dataDir> <nowMs>');
const now = Number(nowArg);
const store = await openBlockStore({ dataDir, now: () => now });
let acked = 0;
for (let batch = 0; ; batch++) {
  const events: LogEvent[] = [];
  for (let i = 0; i < 100; i++) {
    const n = batch * 100 + i;
    // Spread over two days and two classes, so a batch spans partitions.
    events.push({
      '@timestamp': new Date(now - (n % 2) * 86_400_000 - n).toISOString(),
      'event.id': `k-${n}`,
      level: n % 3 === 0 ? 'error' : 'info',
      message: `durable line ${n}`,
    });
  }
  const res = await store.write(events);
  acked += res.stored;
  process.stdout.write(`ack ${acked}\n`);
}
