/**
 * An answer's `commit_mark` under concurrent ingest: every live event with
 * a seq at most the mark is in the answer (else the search page, adding
 * only the live events above the mark, would miss it), and every one above
 * it is not (else the page counts it twice).
 *
 * Many small ingests run at once (some sent twice, as a sender's retry)
 * while searches and histograms are asked again and again; a tail open
 * from the start gives every event's seq; each
 * answer is then checked event by event against it. Events go to two days
 * (two partition files) so that a read spans two snapshots. Real
 * `logship serve` on both embedded formats, with and without ingest workers.
 *
 * Until 2026-12-07 the second half failed on all four (a todo): 560 of
 * 940 answers over 3 runs held events above their mark (up to 256 each)
 * while the mark was taken as the gate's slot was given; 510 of 904 (up to
 * 45 each) once it was taken as the read was posted to a reader thread: a
 * writer thread's commit is visible before the main thread publishes it,
 * and a read took one snapshot per partition, so a commit after the mark
 * could reach a partition read later. Now the embedded stores cut a read's
 * snapshots at a count of committed events (packages/ingest
 * sqlite/commit-count.ts) and the mark is that count (commit-mark.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseTailPosition } from '@logship/query/browser';
import { ingest, startServer, stopAll } from './harness.js';
import { openTail } from './tail-support.js';

const WRITERS = 4;
const BATCHES = 40;
const PER_BATCH = 5;
const TOTAL = WRITERS * BATCHES * PER_BATCH;

interface Answer {
  route: string;
  mark: number;
  /** Ids in the answer (search), or only how many (aggregate). */
  ids?: Set<string>;
  count: number;
}

interface Checked {
  answers: number;
  /** Answers lacking events at or below their mark. */
  missing: string[];
  /** Answers holding events above their mark. */
  above: string[];
}

/** Ingests TOTAL events from WRITERS concurrent senders while two readers ask again and again; each answer checked against the tail's seqs. */
async function raceAnswers(format: string, workers: number): Promise<Checked> {
  const server = await startServer({ configYaml: `ingest: { workers: ${workers} }\nstore: { type: sqlite, format: ${format} }\n` });
  const now = Date.now();
  // Yesterday and today: two partition files in one read.
  const stamps = [now - 24 * 3_600_000, now - 10 * 60_000];
  const range = { from: new Date(now - 25 * 3_600_000).toISOString(), to: new Date(now).toISOString() };
  const tail = await openTail(server.url, 'job:race');
  try {
    let done = false;
    const writer = async (w: number): Promise<void> => {
      for (let b = 0; b < BATCHES; b++) {
        const lines: string[] = [];
        for (let i = 0; i < PER_BATCH; i++) {
          const id = `w${w}-b${b}-e${i}`;
          const ts = stamps[(b + i) % 2]! + w * 1_000 + b * 10 + i;
          lines.push(JSON.stringify({ '@timestamp': new Date(ts).toISOString(), job: 'race', message: id, 'event.id': id }));
        }
        await ingest(server.url, lines);
        // Sent again (a sender's retry): stored once, so numbered once on the feed and counted once by the store's cut.
        if (b % 4 === 0) await ingest(server.url, lines);
      }
    };
    const get = async <T>(path: string, params: Record<string, string>): Promise<T> => {
      const res = await fetch(`${server.url}${path}?${new URLSearchParams({ q: 'job:race', ...range, ...params })}`);
      assert.equal(res.status, 200, `${path}: ${await res.clone().text()}`);
      return (await res.json()) as T;
    };
    const markSeq = (route: string, mark: string | undefined): number => {
      assert.ok(mark !== undefined, `${route}: no commit_mark`);
      const parsed = parseTailPosition(`${mark}:0|`).mark;
      assert.ok(parsed, `${route}: commit_mark ${mark} is not <boot>.<seq>`);
      return parsed.seq;
    };
    const answers: Answer[] = [];
    const reader = async (): Promise<void> => {
      while (!done) {
        const s = await get<{ commit_mark?: string; hits: { message: string }[] }>('/api/v1/search', { limit: String(TOTAL) });
        answers.push({ route: 'search', mark: markSeq('search', s.commit_mark), ids: new Set(s.hits.map((h) => h.message)), count: s.hits.length });
        const h = await get<{ commit_mark?: string; buckets: { count: number }[] }>('/api/v1/aggregate', { type: 'date_histogram' });
        answers.push({ route: 'aggregate', mark: markSeq('aggregate', h.commit_mark), count: h.buckets.reduce((n, b) => n + b.count, 0) });
      }
    };
    const readers = [reader(), reader()];
    try {
      await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
    } finally {
      done = true;
    }
    await Promise.all(readers);
    await tail.until((f) => f.filter((x) => x.event === 'log').length === TOTAL, 'every event live');
    // Every event's seq, from its tail id.
    const seqOf = new Map<string, number>();
    let boot: string | undefined;
    for (const f of tail.frames.filter((x) => x.event === 'log')) {
      const mark = parseTailPosition(f.id ?? '').mark;
      assert.ok(mark, `a live event's id without a mark: ${f.id}`);
      boot ??= mark.boot;
      assert.equal(mark.boot, boot);
      seqOf.set((JSON.parse(f.data) as { message: string }).message, mark.seq);
    }
    assert.equal(seqOf.size, TOTAL);
    assert.ok(answers.length >= 10, `only ${answers.length} answers while ingesting`);
    const checked: Checked = { answers: answers.length, missing: [], above: [] };
    for (const a of answers) {
      const below = [...seqOf].filter(([, seq]) => seq <= a.mark).map(([id]) => id);
      if (a.ids) {
        const missing = below.filter((id) => !a.ids!.has(id));
        const above = [...a.ids].filter((id) => (seqOf.get(id) ?? 0) > a.mark);
        if (missing.length > 0) checked.missing.push(`${a.route} mark ${a.mark}: lacks ${missing.length} at or below it (${missing.slice(0, 3).join(' ')})`);
        if (above.length > 0) checked.above.push(`${a.route} mark ${a.mark}: holds ${above.length} above it (${above.slice(0, 3).join(' ')})`);
      } else if (a.count < below.length) {
        checked.missing.push(`${a.route} mark ${a.mark}: counts ${a.count}, ${below.length} at or below it`);
      } else if (a.count > below.length) {
        checked.above.push(`${a.route} mark ${a.mark}: counts ${a.count}, ${below.length} at or below it`);
      }
    }
    return checked;
  } finally {
    tail.abort();
    await server.stop();
  }
}

after(async () => {
  await stopAll();
});

for (const format of ['blocks', 'rows']) {
  for (const workers of [0, 1]) {
    describe(`commit_mark under concurrent ingest (${format}, ingest.workers ${workers})`, { timeout: 240_000 }, () => {
      let checked: Checked;

      before(async () => {
        checked = await raceAnswers(format, workers);
      });

      test('no answer lacks an event at or below its mark', () => {
        assert.deepEqual(checked.missing, [], `${checked.missing.length} of ${checked.answers} answers`);
      });

      test('no answer holds an event above its mark', () => {
        assert.deepEqual(checked.above, [], `${checked.above.length} of ${checked.answers} answers`);
      });
    });
  }
}
