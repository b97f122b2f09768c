/**
 * `logship stats FIELD --by F` under live ingest: a group's events come from
 * the terms read of F, its figures from the read after it
 * (group-aggregate.ts), so events stored in between are in the figures and
 * not in the events column. A server taking 200-event batches every few ms
 * showed `events 4690  count 5025` for a third of its groups, without a
 * word; the table now says why when a count passes its events.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogEvent } from '../event.js';
import type { LogReader } from '../log-reader.js';
import { MemoryLogReader } from '../testing/memory-log-reader.js';
import { API_NOW, queryApiApp } from '../testing/query-api-app.js';
import { listenLoopback, runCli } from '../testing/run-cli.js';
import { EXIT } from './client.js';
import { runStatsCli } from './stats-cli.js';

const NOTE = "(events were stored while this was read: a group's figures can count events its events column, read first, does not; a range that ended earlier, such as --to now-1m, reads steadier figures)";

function event(id: string, service: string, duration_ms: number): LogEvent {
  return { '@timestamp': new Date(API_NOW - 60_000).toISOString(), 'event.id': id, message: 'm', service, duration_ms } as LogEvent;
}

/**
 * A reader over `events` that stores three `web` events as the first group's
 * stats read starts (after the stats answer's terms read), as live ingest can.
 */
function liveReader(events: LogEvent[]): LogReader {
  const memory = new MemoryLogReader(events);
  let stored = false;
  return {
    search: (req) => memory.search(req),
    count: (req) => memory.count(req),
    aggregate: async (req) => {
      if (req.agg.type === 'stats' && !stored) {
        stored = true;
        events.push(...[0, 1, 2].map((i) => event(`late-${i}`, 'web', 20)));
      }
      return memory.aggregate(req);
    },
  };
}

for (const live of [false, true]) {
  test(`stats --by: ${live ? 'events stored between the terms read and a group\'s read are said under the table' : 'a table read while nothing is stored has no note'}`, async () => {
    const events = [...[0, 1, 2, 3, 4].map((i) => event(`a${i}`, 'api', 10)), ...[0, 1, 2].map((i) => event(`w${i}`, 'web', 20))];
    const { app } = await queryApiApp(events, live ? { reader: liveReader(events) } : {});
    const url = await listenLoopback(app);
    try {
      const r = await runCli(runStatsCli, ['duration_ms', '--by', 'service', '--from', 'now-1h', '--percents', '50', '--server', url]);
      assert.equal(r.status, EXIT.OK, r.err);
      const lines = r.out.trimEnd().split('\n');
      assert.deepEqual(lines.slice(1, 3).map((l) => l.split(/\s+/).slice(0, 3)), [['api', '5', '5'], ['web', '3', live ? '6' : '3']]);
      assert.deepEqual(lines.slice(3), live ? [NOTE] : []);
    } finally {
      await app.close();
    }
  });
}
