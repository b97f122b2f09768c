/**
 * Local-time timestamps land where they happened (issue 15 item 4), through
 * a real `logship-agent` and `logship serve`: a file source with `timezone:
 * America/Chicago` (Django's default TIME_ZONE, `asctime` without an
 * offset) across both DST changes of 2026, a source without one read in the
 * server's `ingest.default_timezone`, and an explicit offset that wins.
 */
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { removeDir, search, startAgent, startServer, stopAll, tempDir, waitFor, type ServerHandle } from './harness.js';

const line = (asctime: string, n: number, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ asctime, levelname: 'INFO', name: 'django.request', message: `tz event ${n}`, run: 'tz', n, ...extra });

/** Chicago wall-clock time → the instant it was. */
const CHICAGO: [string, string][] = [
  ['2026-03-08 01:30:00,000', '2026-03-08T07:30:00.000Z'], // CST, before spring forward
  ['2026-03-08 03:30:00,000', '2026-03-08T08:30:00.000Z'], // CDT, after it
  ['2026-03-08 02:30:00,000', '2026-03-08T08:30:00.000Z'], // never happened: CST offset, = 03:30 CDT
  ['2026-07-04 12:00:00,250', '2026-07-04T17:00:00.250Z'], // summer
  ['2026-11-01 01:30:00,000', '2026-11-01T06:30:00.000Z'], // happened twice: the first (CDT)
  ['2026-11-01 02:30:00,000', '2026-11-01T08:30:00.000Z'], // CST, after fall back
];

describe('agent: timezone of a source', () => {
  let root: string;
  let server: ServerHandle;

  before(async () => {
    root = await tempDir('logship-agent-tz-');
    server = await startServer({
      dataDir: join(root, 'server'),
      // The DST days of 2026 stay stored however long after them this runs:
      // at 3650 days they arrived already expired from 2036-03-05 on.
      configYaml: 'retention: { default_days: 36500, classes: [] }\ningest: { default_timezone: Europe/Paris }\n',
    });
  });

  after(async () => {
    await stopAll();
    await removeDir(root);
  });

  test('offset-less times are read in the source zone (DST-correct), else the server default; an offset wins', async () => {
    const logs = join(root, 'logs');
    await mkdir(logs, { recursive: true });
    const chicagoLines = CHICAGO.map(([wall], i) => line(wall, i));
    chicagoLines.push(JSON.stringify({ time: '2026-11-01T02:30:00+00:00', level: 'info', msg: 'explicit offset', run: 'tz', n: 100 }));
    await writeFile(join(logs, 'django.log'), `${chicagoLines.join('\n')}\n`);
    await writeFile(join(logs, 'paris.log'), `${line('2026-07-01 12:00:00,000', 200)}\n`);
    const yaml = [
      'server:',
      `  url: ${server.url}`,
      `data_dir: ${join(root, 'agent')}`,
      'host: e2e-host',
      'batch: { max_events: 100, max_age_ms: 200 }',
      'sources:',
      '  - type: file',
      `    include: ["${join(logs, 'django.log')}"]`,
      '    timezone: America/Chicago',
      '    poll_interval_ms: 250',
      '  - type: file',
      `    include: ["${join(logs, 'paris.log')}"]`,
      '    poll_interval_ms: 250',
      '',
    ].join('\n');
    await startAgent(yaml, join(root, 'agent.yaml'));
    const hits = await waitFor(async () => {
      const page = await search(server.url, 'run:tz', { from: '2026-01-01', to: 'now', limit: 100 });
      return page.hits.length === CHICAGO.length + 2 ? page.hits : undefined;
    }, { what: 'every event stored', timeoutMs: 60_000 });
    const at = new Map(hits.map((h) => [Number(h.n), h['@timestamp']]));
    CHICAGO.forEach(([wall, utc], i) => assert.equal(at.get(i), utc, `${wall} in Chicago`));
    assert.equal(at.get(100), '2026-11-01T02:30:00.000Z', 'an explicit offset wins');
    assert.equal(at.get(200), '2026-07-01T10:00:00.000Z', 'no timezone on the source: the server default (Paris, CEST)');
    for (const h of hits) assert.equal(h['@timezone'], undefined, 'the envelope key is not stored');
  });
});
