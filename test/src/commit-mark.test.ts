/**
 * The `commit_mark` of the search, aggregate and fields answers: the live
 * feed's mark as the read began. A live tail event with the same boot and a
 * seq at most it is in the answer, one above it is not: what the search
 * page relies on to add to its figures only the live events an answer
 * lacks. Real `logship serve` (blocks, with and without ingest workers),
 * real HTTP readers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseTailPosition, type CommitMark } from '@logship/query/browser';
import { ingest, search, startServer, stopAll, type ServerHandle } from './harness.js';
import { openTail, type TailReader } from './tail-support.js';

interface Marked {
  commit_mark?: string;
}

const markOf = (answer: Marked): CommitMark => {
  assert.ok(answer.commit_mark !== undefined, `no commit_mark in ${JSON.stringify(answer).slice(0, 300)}`);
  const mark = parseTailPosition(`${answer.commit_mark}:0|`).mark;
  assert.ok(mark, `commit_mark ${answer.commit_mark} is not <boot>.<seq>`);
  return mark;
};

for (const workers of [0, 1]) {
  describe(`commit_mark of the read answers (ingest.workers ${workers})`, { timeout: 60_000 }, () => {
    let server: ServerHandle;

    before(async () => {
      server = await startServer({ configYaml: `ingest: { workers: ${workers} }\n` });
    });

    after(async () => {
      await stopAll();
    });

    const line = (message: string, ts: number) => JSON.stringify({ '@timestamp': new Date(ts).toISOString(), job: 'mark', message, 'event.id': message });
    const get = async <T>(path: string, params: Record<string, string>): Promise<T> => {
      const res = await fetch(`${server.url}${path}?${new URLSearchParams({ q: 'job:mark', from: 'now-15m', to: 'now', ...params })}`);
      assert.equal(res.status, 200, `${path}: ${await res.clone().text()}`);
      return (await res.json()) as T;
    };
    /** Each answer: the events it counts, by message (search) or in number (the others). */
    const answers = async () => {
      const search = await get<Marked & { hits: { message: string }[] }>('/api/v1/search', { limit: '100' });
      const hist = await get<Marked & { buckets: { count: number }[] }>('/api/v1/aggregate', { type: 'date_histogram' });
      const fields = await get<Marked & { fields: { name: string; count: number }[] }>('/api/v1/fields', {});
      const values = await get<Marked & { values: { value: string; count: number }[] }>('/api/v1/fields/job/values', {});
      return [
        { route: 'search', mark: markOf(search), counted: search.hits.length, has: (m: string) => search.hits.some((h) => h.message === m) },
        { route: 'aggregate', mark: markOf(hist), counted: hist.buckets.reduce((n, b) => n + b.count, 0) },
        { route: 'fields', mark: markOf(fields), counted: fields.fields.find((f) => f.name === 'job')?.count ?? 0 },
        { route: 'values', mark: markOf(values), counted: values.values.find((v) => v.value === 'mark')?.count ?? 0 },
      ];
    };
    /** The commit marks of the tail's events so far, by message. */
    const tailMarks = (tail: TailReader): Map<string, CommitMark> => new Map(tail.frames.filter((f) => f.event === 'log').map((f) => {
      const mark = parseTailPosition(f.id ?? '').mark;
      assert.ok(mark, `a live event's id without a mark: ${f.id}`);
      return [(JSON.parse(f.data) as { message: string }).message, mark];
    }));

    test('events published before the mark are in the answer, those after it are not', async () => {
      const tail = await openTail(server.url, 'job:mark');
      try {
        const t = Date.now();
        await ingest(server.url, [line('first', t - 2_000), line('second', t - 1_000)]);
        await tail.until((f) => f.filter((x) => x.event === 'log').length === 2, 'the first two events live');
        const before = await answers();
        // Late: stamped before the others, committed after the answers' reads.
        await ingest(server.url, [line('late', t - 60_000)]);
        await tail.until((f) => f.filter((x) => x.event === 'log').length === 3, 'the late event live');
        const afterLate = await answers();
        const marks = tailMarks(tail);
        const last = marks.get('second')!;
        for (const a of before) {
          assert.equal(a.counted, 2, a.route);
          // Nothing else was published: the mark is the last event's.
          assert.deepEqual(a.mark, last, a.route);
          for (const m of ['first', 'second']) assert.ok(marks.get(m)!.seq <= a.mark.seq, `${a.route}: ${m} at or below the mark`);
          assert.equal(marks.get('late')!.boot, a.mark.boot);
          assert.ok(marks.get('late')!.seq > a.mark.seq, `${a.route}: late, not in the answer, above its mark`);
        }
        assert.equal(before[0]!.has!('late'), false);
        for (const a of afterLate) {
          assert.equal(a.counted, 3, a.route);
          assert.deepEqual(a.mark, marks.get('late'), a.route);
        }
        assert.equal(afterLate[0]!.has!('late'), true);
      } finally {
        tail.abort();
      }
    });

    test('a tail started from a mark given while no one listened gets what was committed since, published or not', async () => {
      // A server no reader has listened to: with ingest workers its commits are not published.
      const fresh = await startServer({ configYaml: `ingest: { workers: ${workers} }\n` });
      const res = await fetch(`${fresh.url}/api/v1/search?${new URLSearchParams({ q: 'job:quiet', from: 'now-15m', to: 'now' })}`);
      const answer = (await res.json()) as Marked & { range: { to: string } };
      const mark = markOf(answer);
      const to = Date.parse(answer.range.to);
      await ingest(fresh.url, [JSON.stringify({ '@timestamp': new Date(to + 1).toISOString(), job: 'quiet', message: 'while no one listened', 'event.id': 'quiet-1' })]);
      assert.equal((await search(fresh.url, 'job:quiet', { from: 'now-15m', to: 'now+1m' })).hits.length, 1);
      // As the page starts its tail: after the search's mark and its range's end.
      const tail = await openTail(fresh.url, 'job:quiet', `${mark.boot}.${mark.seq}:${to}|\uffff`);
      try {
        await tail.until((f) => f.some((x) => x.event === 'log'), 'the event committed after the mark');
        assert.deepEqual(tail.events().map((e) => e.message), ['while no one listened']);
      } finally {
        tail.abort();
      }
    });

    test('on a server no one listens to, a tail started from a search\'s mark gets the late event committed since (stamped inside the range), in commit order', async () => {
      for (const format of ['blocks', 'rows']) {
        const fresh = await startServer({ configYaml: `ingest: { workers: ${workers} }\nstore: { type: sqlite, format: ${format} }\n` });
        const t = Date.now();
        const idle = (id: string, ts: number, job = 'idle') => JSON.stringify({ '@timestamp': new Date(ts).toISOString(), job, message: id, 'event.id': `${format}-${id}` });
        await ingest(fresh.url, [idle('before', t - 5_000)]);
        const res = await fetch(`${fresh.url}/api/v1/search?${new URLSearchParams({ q: 'job:idle', from: 'now-15m', to: 'now' })}`);
        const answer = (await res.json()) as Marked & { range: { to: string }; hits: { message: string }[] };
        assert.deepEqual(answer.hits.map((h) => h.message), ['before'], format);
        const mark = markOf(answer);
        const to = Date.parse(answer.range.to);
        // Committed after the search's read, with no tail open: a late
        // event stamped inside its range (a replay by time after the
        // range's end never has it), one the tail's query leaves out, and
        // one stamped after the range.
        await ingest(fresh.url, [idle('late', to - 60_000)]);
        await ingest(fresh.url, [idle('elsewhere', to - 30_000, 'other'), idle('new', to + 1)]);
        // As the page starts its tail: after the search's mark and its range's end.
        const tail = await openTail(fresh.url, 'job:idle', `${mark.boot}.${mark.seq}:${to}|\uffff`);
        try {
          await tail.until((f) => f.some((x) => x.event === 'log' && x.data.includes('"new"')), `${format}: the last event committed after the mark`);
          assert.deepEqual(tail.events().map((e) => e.message), ['late', 'new'], format);
          const seqs = [...tailMarks(tail).values()].map((m) => `${m.boot}.${m.seq}`);
          assert.deepEqual(seqs, [`${mark.boot}.${mark.seq + 1}`, `${mark.boot}.${mark.seq + 3}`], `${format}: each with its commit's mark`);
        } finally {
          tail.abort();
        }
      }
    });
  });
}
