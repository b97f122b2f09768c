/**
 * What a live tail resumed with Last-Event-ID replays. The position was a
 * time: an event committed while the reader was away but stamped before
 * its position (arriving late) was never sent to it, though every reader
 * connected then had it; and live events go out in commit order, so a
 * reader whose connection dropped in the middle of a commit lost the rest
 * of it that sorts before the furthest event it had (998 of 1,000 of one
 * millisecond). Now the ids of live events also carry the commit they
 * came in, and the server replays what it committed after that, from the
 * commits it keeps a while. Real `logship serve`, real HTTP readers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { laterTailPosition } from '@logship/query/browser';
import { ingest, startServer, stopAll, type ServerHandle } from './harness.js';
import { openTail } from './tail-support.js';

describe('live tail resumed with Last-Event-ID', { timeout: 120_000 }, () => {
  let server: ServerHandle;

  before(async () => {
    server = await startServer();
  });

  after(async () => {
    await stopAll();
  });

  const line = (job: string, id: string, ts: number) => JSON.stringify({ '@timestamp': new Date(ts).toISOString(), job, message: `${job} ${id}`, 'event.id': id });

  test('an event committed while the reader was away, stamped before its position, is replayed', async () => {
    const connected = await openTail(server.url, 'job:late');
    const reader = await openTail(server.url, 'job:late');
    const t = Date.now();
    await ingest(server.url, [line('late', 'late:a', t)]);
    await reader.until((f) => f.some((x) => x.event === 'log'), 'the first event');
    const position = reader.frames.find((x) => x.event === 'log')!.id!;
    reader.abort();
    // Stamped 30 s before the event the reader had: a host's clock behind,
    // a shipper sending what it held during an outage.
    await ingest(server.url, [line('late', 'late:b', t - 30_000)]);
    const resumed = await openTail(server.url, 'job:late', position);
    await ingest(server.url, [line('late', 'late:c', Date.now())]);
    await resumed.until((f) => f.some((x) => x.event === 'log' && x.data.includes('late:c')), 'the event after the resume');
    await connected.until((f) => f.filter((x) => x.event === 'log').length >= 3, 'three events');
    assert.deepEqual(connected.events().map((e) => e['event.id']), ['late:a', 'late:b', 'late:c'], 'a reader connected throughout');
    assert.deepEqual(resumed.events().map((e) => e['event.id']), ['late:b', 'late:c']);
    connected.abort();
    resumed.abort();
  });

  test('a reader whose connection dropped in the middle of a commit gets the rest of it', async () => {
    const ms = Date.now();
    const ids = Array.from({ length: 2_000 }, (_, i) => `same:${String(i).padStart(4, '0')}`);
    // One commit, every event in one millisecond (ids in the order they
    // came, which is not their order as the stores sort).
    const lines = ids.map((id) => line('samems', id, ms)).reverse();
    const tail = await openTail(server.url, 'job:samems');
    await ingest(server.url, lines);
    await tail.until((f) => f.filter((x) => x.event === 'log').length >= 2_000, 'the commit');
    // What a reader had when its connection dropped: the first 1,000 sent,
    // and the position the page and the CLI keep from their ids.
    const had = tail.frames.filter((f) => f.event === 'log').slice(0, 1_000);
    let position: string | undefined;
    for (const f of had) position = laterTailPosition(position, f.id!, Date.now());
    tail.abort();
    const resumed = await openTail(server.url, 'job:samems', position);
    await ingest(server.url, [line('samems', 'same:after', Date.now())]);
    await resumed.until((f) => f.some((x) => x.event === 'log' && x.data.includes('same:after')), 'the event after the resume');
    const got = new Set([...had.map((f) => (JSON.parse(f.data) as { 'event.id': string })['event.id']), ...resumed.events().map((e) => String(e['event.id']))]);
    assert.equal(ids.filter((id) => !got.has(id)).length, 0, 'none of the commit missing');
    assert.equal(resumed.events().length, 1_000 + 1, 'and none of it sent twice');
    resumed.abort();
  });
});
