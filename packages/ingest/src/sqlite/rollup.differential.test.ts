/**
 * Rollups must not change any answer: a seeded corpus written in batches
 * (duplicates, several days and retention classes, booleans/null/non-finite
 * numbers in promoted fields, a field crossing the cardinality cap, a
 * reopen in between), then random ranges (ms precision, inside and across
 * minutes and days, clamped by retention expiry) × terms of every kind of
 * field and histograms with rolled-up and fallback intervals: the store
 * reading rollups must answer exactly as one reading only rows.
 * `LS_ROLLUP_CASES` (1500), `LS_ROLLUP_SEED`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { histogramBucketCount, MAX_HISTOGRAM_BUCKETS, type AggregateRequest, type AggregationSpec, type FieldValue, type LogEvent, type QueryNode } from '@logship/query';
import { DAY_MS, type RetentionConfig } from '../retention/retention-config.js';
import { q } from '../store/contract/ast-builders.js';
import { generateCorpus } from '../testing/generate-corpus.js';
import { createRng } from '@logship/query';
import { eventToRow } from './event-row.js';
import { PartitionDb } from './partition-db.js';
import { PARTITION_DDL } from './partition-schema.js';
import { MINUTE_MS, ROLLUP_CAP, ROLLUP_FIELDS } from './rollup.js';
import { ROLLUP_BIRTH_KEY, ROLLUP_DDL } from './rollup-schema.js';
import { SqliteStore } from './sqlite-store.js';

const NOW = Date.parse('2026-11-23T12:00:00.000Z');
const SEED = Number(process.env.LS_ROLLUP_SEED ?? 11);
const CASES = Number(process.env.LS_ROLLUP_CASES ?? 1500);

// debug expires after 2 days, so its 2026-11-21 partition is cut mid-day.
const RETENTION: RetentionConfig = {
  default_days: 30,
  classes: [
    { name: 'errors', match: 'level:(error OR critical OR alert OR emergency)', days: 90 },
    { name: 'debug', match: 'level:(debug OR trace)', days: 2 },
  ],
  check_interval_s: 600,
};

function withDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logship-rollup-'));
    try {
      await fn(dir);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
}

async function openStore(dir: string, rollups = true): Promise<SqliteStore> {
  const store = new SqliteStore({ dataDir: dir, retention: RETENTION, now: () => NOW, rollups });
  store.init();
  await store.start();
  return store;
}

const at = (iso: string): number => Date.parse(iso);
const ev = (id: string, ts: number, extra: Record<string, FieldValue>): LogEvent => ({
  '@timestamp': new Date(ts).toISOString(),
  'event.id': id,
  message: `m ${id}`,
  ...extra,
});

/** Promoted fields holding what columns do not (doc), and type mixes. */
function oddEvents(): LogEvent[] {
  const t = at('2026-11-22T10:15:30.000Z');
  return [
    ev('odd-1', t, { level: 'info', logger: true }),
    ev('odd-2', t + 1, { level: 'info', status: null }),
    ev('odd-3', t + 59_999, { level: 'info', host: false }),
    ev('odd-4', t + 60_000, { level: 'info', duration_ms: Infinity }),
    ev('odd-5', t + 61_000, { level: 'info', status: '200', logger: 'true' }),
    ev('odd-6', t + 62_000, { level: 'info', status: 200, job: 7, unit: 1.5 }),
    ev('odd-7', t + 63_000, { level: 'info', user_id: '', path: 'null' }),
    ev('odd-8', at('2026-11-22T00:00:00.000Z'), { level: 'info' }),
    ev('odd-9', at('2026-11-22T23:59:59.999Z'), { level: 'info', logger: null }),
  ];
}

/**
 * Minutes with events on their first and last millisecond and just
 * outside, so that a range or rollup off by one millisecond or one minute
 * changes a count. The range generator aims at these minutes' edges.
 */
const EDGE_MINUTES: number[] = (() => {
  const r = createRng(SEED + 3).next;
  const lo = at('2026-11-20T12:00:00.000Z') / MINUTE_MS;
  return Array.from({ length: 40 }, () => lo + Math.floor(r() * 3 * 24 * 60));
})();

/** Range ends around an edge minute: every side of its events. */
const EDGE_OFFSETS = [-2, -1, 0, 1, 2, MINUTE_MS - 2, MINUTE_MS - 1, MINUTE_MS];

function edgeEvents(): LogEvent[] {
  const levels = ['info', 'error', 'debug', 'warning'];
  return EDGE_MINUTES.flatMap((m, i) =>
    [-1, 0, 1, MINUTE_MS - 1].map((d, j) =>
      ev(`edge-${i}-${j}`, m * MINUTE_MS + d, { level: levels[(i + j) % levels.length] as string, logger: `edge.${j}`, status: j }),
    ),
  );
}

/** More than ROLLUP_CAP distinct paths in the 2026-11-22 default partition. */
function capEvents(): LogEvent[] {
  const r = createRng(SEED + 1).next;
  const start = at('2026-11-22T00:00:00.000Z');
  return Array.from({ length: ROLLUP_CAP + 100 }, (_, i) =>
    ev(`cap-${i}`, start + Math.floor(r() * DAY_MS), { level: 'info', path: `/cap/${i}`, logger: 'cap' }),
  );
}

/**
 * Writes the corpus in uneven batches, some shuffled, some repeating
 * earlier events (duplicates), closing and reopening the store once.
 */
async function writeCorpus(dir: string): Promise<number> {
  const r = createRng(SEED).next;
  const corpus = [...generateCorpus({ events: 6000, seed: SEED, endMs: NOW, days: 3 }), ...oddEvents(), ...edgeEvents()];
  let store = await openStore(dir);
  let stored = 0;
  let i = 0;
  while (i < corpus.length) {
    const size = 1 + Math.floor(r() * 400);
    const batch = corpus.slice(i, i + size);
    if (i > 0 && r() < 0.4) batch.push(...corpus.slice(Math.max(0, i - 50), i - Math.floor(r() * 10))); // retries
    if (r() < 0.3) batch.sort(() => r() - 0.5);
    stored += (await store.write(batch)).stored;
    i += size;
  }
  await store.close();
  store = await openStore(dir); // the writer's cached rollup state is read back from the file
  const cap = capEvents();
  for (let j = 0; j < cap.length; j += 300) {
    const res = await store.write([...cap.slice(j, j + 300), ...corpus.slice(j, j + 20)]);
    stored += res.stored;
    // Re-sent corpus events: duplicates, or expired debug events.
    assert.equal(res.duplicates + res.expired, Math.min(20, corpus.length - j));
  }
  await store.close();
  return stored;
}

function randomRange(r: () => number): { from: number; to: number } {
  const lo = at('2026-11-19T23:00:00.000Z');
  const hi = NOW + 3_600_000;
  const point = (): number => {
    const roll = r();
    const t = lo + Math.floor(r() * (hi - lo));
    if (roll < 0.25) return t;
    if (roll < 0.5) return (EDGE_MINUTES[Math.floor(r() * EDGE_MINUTES.length)] as number) * MINUTE_MS + EDGE_OFFSETS[Math.floor(r() * EDGE_OFFSETS.length)]!;
    const unit = roll < 0.8 ? MINUTE_MS : roll < 0.9 ? 3_600_000 : DAY_MS;
    return Math.floor(t / unit) * unit + Math.floor(r() * 3) - 1; // a boundary, or 1 ms either side
  };
  const from = point();
  const roll = r();
  // Within a minute, across a few minutes, or anywhere.
  const to = roll < 0.2 ? from + Math.floor(r() * MINUTE_MS) : roll < 0.4 ? from + Math.floor(r() * 10 * MINUTE_MS) : point();
  return roll > 0.95 ? { from: to, to: from } : { from, to };
}

const TERMS_FIELDS = [...ROLLUP_FIELDS, 'message', 'method', 'cached', 'lineno', 'absent'];
const INTERVALS = [MINUTE_MS, 5 * MINUTE_MS, 3_600_000, DAY_MS, 7 * DAY_MS, 90_000, 1000, 7];

function randomAgg(r: () => number): AggregationSpec {
  if (r() < 0.55) {
    const field = TERMS_FIELDS[Math.floor(r() * TERMS_FIELDS.length)] as string;
    return { type: 'terms', field, size: 1 + Math.floor(r() * 8) };
  }
  return { type: 'date_histogram', interval_ms: INTERVALS[Math.floor(r() * INTERVALS.length)] as number };
}

test(
  'terms and date_histogram answer the same from rollups as from rows',
  withDir(async (dir) => {
    const stored = await writeCorpus(dir);
    const rolled = await openStore(dir, true);
    const rows = await openStore(dir, false);
    try {
      const everything: AggregateRequest = { query: q.all(), from: 0, to: NOW + DAY_MS, now: NOW, agg: { type: 'date_histogram', interval_ms: DAY_MS } };
      const days = await rows.aggregate(everything);
      assert.ok(days.type === 'date_histogram');
      // Debug events before the cutoff are invisible, so fewer than stored.
      assert.ok(days.buckets.reduce((s, b) => s + b.count, 0) <= stored);
      assert.deepEqual(await rolled.aggregate(everything), days);

      const r = createRng(SEED + 2).next;
      const queries: QueryNode[] = [q.all(), q.all(), q.all(), q.all(), q.term('level', 'info')];
      for (let c = 0; c < CASES; c++) {
        const req: AggregateRequest = { query: queries[c % queries.length] as QueryNode, ...randomRange(r), now: NOW, agg: randomAgg(r) };
        // Every bucket of the range comes back: small intervals get a range
        // a histogram may have (MAX_HISTOGRAM_BUCKETS), still unaligned.
        if (req.agg.type === 'date_histogram' && histogramBucketCount(req.from, req.to, req.agg.interval_ms) > MAX_HISTOGRAM_BUCKETS) {
          req.to = req.from + req.agg.interval_ms * (MAX_HISTOGRAM_BUCKETS / 2) + 3;
        }
        const expected = await rows.aggregate(req);
        assert.deepEqual(await rolled.aggregate(req), expected, `case ${c}: ${JSON.stringify({ ...req, query: undefined })}`);
      }
    } finally {
      await rolled.close();
      await rows.close();
    }
  }),
);

/** Fields switched off, fields with counts, and fields in the dictionary. */
function rollupFields(file: string): { off: string[]; fields: string[]; coded: string[] } {
  const db = new Database(file, { readonly: true });
  try {
    const off = (db.prepare("SELECT key FROM meta WHERE key LIKE 'rollup#_off:%' ESCAPE '#' ORDER BY key").all() as { key: string }[]).map((m) => m.key);
    const fieldsOf = (sql: string): string[] => (db.prepare(sql).all() as { field: string }[]).map((f) => f.field);
    const fields = fieldsOf('SELECT DISTINCT d.field FROM rollup_counts c JOIN rollup_keys d ON d.code = c.key ORDER BY 1');
    const coded = fieldsOf('SELECT DISTINCT field FROM rollup_keys ORDER BY 1');
    return { off, fields, coded };
  } finally {
    db.close();
  }
}

test(
  'a field past the cardinality cap is switched off in that partition only and still answers from rows',
  withDir(async (dir) => {
    await writeCorpus(dir);
    const capped = rollupFields(path.join(dir, 'sqlite', '2026-11-22.default.db'));
    assert.ok(capped.off.includes('rollup_off:path'), JSON.stringify(capped));
    assert.ok(!capped.fields.includes('path'));
    assert.ok(!capped.coded.includes('path'), 'its dictionary rows go with its counts');
    assert.ok(capped.fields.includes('logger') && capped.fields.includes(''));
    const other = rollupFields(path.join(dir, 'sqlite', '2026-11-21.default.db'));
    assert.ok(!other.off.includes('rollup_off:path'));
    assert.ok(other.fields.includes('path'));

    const rolled = await openStore(dir, true);
    const rows = await openStore(dir, false);
    try {
      const req: AggregateRequest = {
        query: q.all(),
        from: at('2026-11-21T00:00:30.500Z'),
        to: at('2026-11-23T11:00:00.000Z'),
        now: NOW,
        agg: { type: 'terms', field: 'path', size: 5 },
      };
      const res = await rolled.aggregate(req);
      assert.deepEqual(res, await rows.aggregate(req));
      assert.ok(res.type === 'terms' && res.other_count >= ROLLUP_CAP);
    } finally {
      await rolled.close();
      await rows.close();
    }
  }),
);

/** Adds `extra` to every rollup count of a file: answers read from it change. */
function tamper(file: string, extra: number, dropBirthMarker: boolean): void {
  const db = new Database(file);
  try {
    db.prepare('UPDATE rollup_counts SET n = n + ?').run(extra);
    if (dropBirthMarker) db.prepare('DELETE FROM meta WHERE key = ?').run(ROLLUP_BIRTH_KEY);
  } finally {
    db.close();
  }
}

test(
  'rollups answer empty-query terms and histograms, and only in files rolled up from birth',
  withDir(async (dir) => {
    const start = at('2026-11-22T00:00:00.000Z');
    const events = Array.from({ length: 500 }, (_, i) => ev(`e-${i}`, start + i * 7_919, { level: 'info', logger: `l${i % 3}` }));
    const writer = await openStore(dir);
    await writer.write(events);
    await writer.close();
    const file = path.join(dir, 'sqlite', '2026-11-22.default.db');
    const reqs: AggregateRequest[] = [
      { query: q.all(), from: start, to: start + DAY_MS - 1, now: NOW, agg: { type: 'terms', field: 'logger', size: 10 } },
      { query: q.all(), from: start, to: start + DAY_MS - 1, now: NOW, agg: { type: 'date_histogram', interval_ms: 3_600_000 } },
    ];
    const answers = async (rollups: boolean): Promise<unknown[]> => {
      const store = await openStore(dir, rollups);
      try {
        return await Promise.all(reqs.map((req) => store.aggregate(req)));
      } finally {
        await store.close();
      }
    };
    const truth = await answers(false);
    assert.deepEqual(await answers(true), truth);

    // A wrong rollup shows through: proof that it is what answers.
    tamper(file, 1, false);
    const skewed = await answers(true);
    assert.notDeepEqual(skewed[0], truth[0]);
    assert.notDeepEqual(skewed[1], truth[1]);
    // A non-empty query never reads the rollup.
    const store = await openStore(dir);
    try {
      const req = { ...reqs[0], query: q.term('level', 'info') } as AggregateRequest;
      assert.deepEqual(await store.aggregate(req), truth[0]);
    } finally {
      await store.close();
    }

    // Without the birth marker (a file from before rollups) rows answer,
    // and further writes to it add no rollup rows.
    tamper(file, 0, true);
    assert.deepEqual(await answers(true), truth);
    const rolledUp = (): unknown => {
      const db = new Database(file, { readonly: true });
      try {
        return db.prepare('SELECT d.field, c.minute, d.value, c.n FROM rollup_counts c JOIN rollup_keys d ON d.code = c.key ORDER BY 1, 2, 3').all();
      } finally {
        db.close();
      }
    };
    const before = rolledUp();
    const later = await openStore(dir);
    await later.write([ev('late', start + 1000, { level: 'info', logger: 'l9' })]);
    await later.close();
    assert.deepEqual(rolledUp(), before, 'no rollup rows added to a file without the marker');
    const after = await answers(true);
    assert.notDeepEqual(after, truth);
    assert.deepEqual(after, await answers(false));
  }),
);

/** The first rollup layout (one table, marker 'rollup'), as files created with it have. */
const OLD_ROLLUP_DDL = `
CREATE TABLE IF NOT EXISTS rollup (
  field TEXT NOT NULL,
  minute INTEGER NOT NULL,
  value TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (field, minute, value)
) WITHOUT ROWID;
INSERT OR IGNORE INTO meta (key, value) VALUES ('rollup', '1');
`;

test(
  'a file created with the first rollup layout answers from rows and gets no rollup of the new layout',
  withDir(async (dir) => {
    const start = at('2026-11-22T00:00:00.000Z');
    const file = path.join(dir, 'sqlite', '2026-11-22.default.db');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const old = new Database(file);
    assert.ok(PARTITION_DDL.includes(ROLLUP_DDL));
    old.exec(PARTITION_DDL.replace(ROLLUP_DDL, OLD_ROLLUP_DDL));
    old.close();

    // The error events go to a new errors partition (new layout): one
    // query then reads an old file from rows next to a rolled-up one.
    const events = Array.from({ length: 400 }, (_, i) => ev(`o-${i}`, start + i * 9_973, { level: i % 5 ? 'info' : 'error', logger: `l${i % 4}` }));
    const writer = await openStore(dir);
    await writer.write(events.slice(0, 300));
    await writer.close();
    // Old-layout counts, as that writer kept them, but each one too high:
    // if anything read them, the answers below would differ.
    const db = new Database(file);
    try {
      const add = db.prepare('INSERT INTO rollup (field, minute, value, n) VALUES (?, ?, ?, ?) ON CONFLICT (field, minute, value) DO UPDATE SET n = n + excluded.n');
      for (const e of events.slice(0, 300)) {
        const minute = Math.floor(Date.parse(e['@timestamp'] as string) / MINUTE_MS);
        add.run('', minute, '', 1001);
        add.run('logger', minute, String(e.logger), 1001);
      }
    } finally {
      db.close();
    }
    const snapshot = (): { tables: unknown; meta: unknown; rollup: unknown } => {
      const ro = new Database(file, { readonly: true });
      try {
        return {
          tables: ro.prepare("SELECT name FROM sqlite_master WHERE name LIKE 'rollup%' ORDER BY 1").all(),
          meta: ro.prepare("SELECT key FROM meta WHERE key LIKE 'rollup%' ORDER BY 1").all(),
          rollup: ro.prepare('SELECT * FROM rollup ORDER BY 1, 2, 3').all(),
        };
      } finally {
        ro.close();
      }
    };
    const before = snapshot();
    assert.deepEqual(before.tables, [{ name: 'rollup' }]);
    assert.deepEqual(before.meta, [{ key: 'rollup' }]);

    const more = await openStore(dir);
    await more.write(events.slice(300));
    await more.close();
    assert.deepEqual(snapshot(), before, 'the old table is left as it is and no new-layout table or marker appears');

    const reqs: AggregateRequest[] = [
      { query: q.all(), from: start, to: start + DAY_MS - 1, now: NOW, agg: { type: 'terms', field: 'logger', size: 10 } },
      { query: q.all(), from: start + 30_000, to: start + 3_600_000, now: NOW, agg: { type: 'terms', field: 'level', size: 10 } },
      { query: q.all(), from: start, to: start + DAY_MS - 1, now: NOW, agg: { type: 'date_histogram', interval_ms: 3_600_000 } },
    ];
    const rolled = await openStore(dir, true);
    const rows = await openStore(dir, false);
    try {
      for (const req of reqs) assert.deepEqual(await rolled.aggregate(req), await rows.aggregate(req));
      const logger = await rolled.aggregate(reqs[0] as AggregateRequest);
      assert.ok(logger.type === 'terms');
      assert.equal(logger.buckets.reduce((sum, b) => sum + b.count, 0), events.length);
    } finally {
      await rolled.close();
      await rows.close();
    }
  }),
);

test(
  'a rolled-back batch leaves no dictionary codes behind in the writer: later counts go to their own keys',
  withDir(async (dir) => {
    const start = at('2026-11-22T00:00:00.000Z');
    const rows = (tag: string, loggers: string[]) =>
      loggers.map((logger, i) => eventToRow(ev(`${tag}-${i}`, start + i * 1_000, { level: 'info', logger }), start + i * 1_000, `${tag}-${i}`, i));
    const db = new PartitionDb(path.join(dir, '2026-11-22.default.db'), { day: '2026-11-22', className: 'default' }, { create: true });
    try {
      db.begin();
      db.insert(rows('gone', ['a1', 'a2', 'a2']));
      db.rollback();
      // Codes the rolled-back batch took are free again: a writer still
      // caching a1/a2 would count 'a1' below under the code now 'b1's.
      db.begin();
      db.insert(rows('kept', ['b1', 'b2', 'a1', 'a1', 'b1']));
      db.commit();
      const counts = db.all<{ field: string; value: string; n: number }>(
        'SELECT d.field, d.value, sum(c.n) AS n FROM rollup_counts c JOIN rollup_keys d ON d.code = c.key GROUP BY 1, 2 ORDER BY 1, 2',
        [],
      );
      assert.deepEqual(counts, [
        { field: '', value: '', n: 5 },
        { field: 'level', value: 'info', n: 5 },
        { field: 'logger', value: 'a1', n: 2 },
        { field: 'logger', value: 'b1', n: 2 },
        { field: 'logger', value: 'b2', n: 1 },
      ]);
    } finally {
      db.close();
    }
  }),
);
