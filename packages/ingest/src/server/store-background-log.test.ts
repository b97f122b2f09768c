/**
 * How merge failures reach the log and /metrics (store-background-log.ts):
 * a partition's failure is a warning once, not at every try while it fails
 * the same way (again after REPEAT_LOG_MS, or when the cause changes);
 * every failure is counted by its error type; the failing partitions are
 * a gauge; an info line says when a partition's merges work again. The
 * events are what the block store's merge scheduler reports (a real full
 * disk: test/src/server-merge-failure.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import type { StoreBackgroundEvent } from '../store/log-store.js';
import { createIngestMetrics } from './ingest-metrics.js';
import { logStoreBackground, REPEAT_LOG_MS } from './store-background-log.js';

test('merge failures: one warning per partition and cause (again hourly), every one counted, a line when they stop', async () => {
  const lines: { level: number; msg: string; partition?: string }[] = [];
  const logger = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s) as { level: number; msg: string }) });
  const metrics = createIngestMetrics({ partitions: async () => [] }, { defaultMetrics: false });
  let emit: (e: StoreBackgroundEvent) => void = () => assert.fail('no listener');
  let clock = 0;
  logStoreBackground({ onBackground: (l) => void (emit = l) }, logger, metrics, () => clock);

  const failed = (partition: string, failures: number, message = 'database or disk is full', errorType = 'SQLITE_FULL'): void =>
    emit({ kind: 'merge-failed', partition, errorType, message, failures, retryInMs: Math.min(5000 * 2 ** (failures - 1), 300_000) });
  const text = async (): Promise<string> => metrics.registry.metrics();

  failed('2026-12-07.default.db', 1);
  clock += 5_000;
  failed('2026-12-07.default.db', 2);
  clock += 10_000;
  failed('2026-12-07.default.db', 3);
  failed('2026-12-07.errors.db', 1);
  assert.deepEqual(
    lines.map((l) => [l.level, l.partition, l.msg]),
    [
      [40, '2026-12-07.default.db', 'Merging blocks of partition 2026-12-07.default.db failed (database or disk is full); its blocks stay as they were, no event is lost, and searches read them as they are. Its merges are tried again in 5 s.'],
      [40, '2026-12-07.errors.db', 'Merging blocks of partition 2026-12-07.errors.db failed (database or disk is full); its blocks stay as they were, no event is lost, and searches read them as they are. Its merges are tried again in 5 s.'],
    ],
  );
  assert.match(await text(), /^logship_store_merge_failures_total\{error_type="SQLITE_FULL"\} 4$/m);
  assert.match(await text(), /^logship_store_merge_failing_partitions 2$/m);

  // Another cause is said at once; the same one again after an hour.
  failed('2026-12-07.default.db', 4, 'disk I/O error', 'SQLITE_IOERR_WRITE');
  clock += REPEAT_LOG_MS - 1;
  failed('2026-12-07.default.db', 5, 'disk I/O error', 'SQLITE_IOERR_WRITE');
  clock += 1;
  failed('2026-12-07.default.db', 6, 'disk I/O error', 'SQLITE_IOERR_WRITE');
  assert.deepEqual(
    lines.slice(2).map((l) => l.msg),
    [
      'Merging blocks of partition 2026-12-07.default.db failed (disk I/O error); its blocks stay as they were, no event is lost, and searches read them as they are. Its merges are tried again in 40 s. It has failed 4 times in a row; while it fails the same way this is logged once an hour.',
      'Merging blocks of partition 2026-12-07.default.db failed (disk I/O error); its blocks stay as they were, no event is lost, and searches read them as they are. Its merges are tried again in 3 min. It has failed 6 times in a row; while it fails the same way this is logged once an hour.',
    ],
  );
  assert.match(await text(), /^logship_store_merge_failures_total\{error_type="SQLITE_IOERR_WRITE"\} 3$/m);

  emit({ kind: 'merge-recovered', partition: '2026-12-07.default.db', failures: 6 });
  // Not failing as far as the log knows: nothing to say.
  emit({ kind: 'merge-recovered', partition: '2026-12-06.default.db', failures: 1 });
  assert.deepEqual(
    lines.slice(4).map((l) => [l.level, l.msg]),
    [[30, 'Merges of partition 2026-12-07.default.db no longer fail (after 6 failures in a row).']],
  );
  assert.match(await text(), /^logship_store_merge_failing_partitions 1$/m);
  // A new failure after recovering is said again.
  failed('2026-12-07.default.db', 1);
  assert.equal(lines.length, 6);
  // Removed by retention while failing: said as gone, not as merges that work again.
  emit({ kind: 'merge-recovered', partition: '2026-12-07.errors.db', failures: 1, gone: true });
  assert.deepEqual(lines.slice(6).map((l) => [l.level, l.msg]), [[30, 'Partition 2026-12-07.errors.db, whose merges failed (1 failure in a row), is gone: retention removed it.']]);
  assert.match(await text(), /^logship_store_merge_failing_partitions 1$/m);
});

test('a partition found damaged while the server runs: an error line naming it and what is wrong, once', () => {
  const lines: { level: number; msg: string; partition?: string }[] = [];
  const logger = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s) as { level: number; msg: string }) });
  const metrics = createIngestMetrics({ partitions: async () => [] }, { defaultMetrics: false });
  let emit: (e: StoreBackgroundEvent) => void = () => assert.fail('no listener');
  logStoreBackground({ onBackground: (l) => void (emit = l) }, logger, metrics, () => 0);
  const reason = '/data/blocks/2026-12-06.default.db is damaged inside: block 7 lacks its column message';
  emit({ kind: 'damaged', partition: '2026-12-06.default.db', reason });
  // Told again (another reader thread met it): said once.
  emit({ kind: 'damaged', partition: '2026-12-06.default.db', reason });
  assert.deepEqual(
    lines.map((l) => [l.level, l.partition, l.msg]),
    [[50, '2026-12-06.default.db', 'Partition 2026-12-06.default.db is damaged inside (block 7 lacks its column message); searches over its day leave it out and writes to its day are refused: stop the server, restore it from a backup or move it aside, and start again.']],
  );
});
