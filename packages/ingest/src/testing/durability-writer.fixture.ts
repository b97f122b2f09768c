/**
 * Child process for the SIGKILL durability test (store/durability.test.ts): opens
 * an embedded store of the given format with its writer thread, writes
 * batches forever and prints `ack N` after each write() resolves (N =
 * events acknowledged so far). The parent kills it with SIGKILL at an
 * arbitrary moment.
 *
 *   node durability-writer.fixture.js <rows|blocks> <dataDir> <nowMs>
 */
import type { LogEvent } from '@logship/query/core';
import { DEFAULT_SERVER_CONFIG } from '../config/server-config.js';
import { openStore } from '../store/open-store.js';

const [format, dataDir, nowArg] = process.argv.slice(2);
if ((format !== 'rows' && format !== 'blocks') || !dataDir || !nowArg) throw new Error('usage: durability-writer.fixture.js <rows|blocks> <dataDir> <nowMs>');
const now = Number(nowArg);
const store = await openStore({ ...DEFAULT_SERVER_CONFIG, data: dataDir, store: { type: 'sqlite', format } }, { now: () => now });
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
