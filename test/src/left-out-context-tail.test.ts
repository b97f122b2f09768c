/**
 * The lines around an event (`/api/v1/context`) and a live tail's replay
 * from the store (`/api/v1/tail?after=`) over a damaged day and one the
 * server's user may not open (left-out-days.ts), on a real server and
 * store: the context answer's `warnings` and the stream's `event: warning`
 * name both partitions with their codes, as a search answer does. Both
 * read past them without a word: the lines before the kept day's first
 * event looked like the start of the log, and the replay like quiet days.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { removeDir, stopAll, tempDir } from './harness.js';
import { startWithLeftOutDays, type LeftOutDays } from './left-out-days.js';
import { readTail } from './tail-frames.js';

interface Warning {
  code: string;
  partition: string;
  message: string;
}

describe('context and tail: partitions left out of their reads are said', { timeout: 180_000 }, () => {
  let root: string;
  let days: LeftOutDays;

  before(async () => {
    root = await tempDir('logship-context-tail-warnings-');
    days = await startWithLeftOutDays(root);
  });

  after(async () => {
    await stopAll();
    await removeDir(root);
  });

  function assertBothSaid(warnings: Warning[] | undefined, what: string): void {
    assert.ok(warnings, `no warnings in ${what}`);
    assert.deepEqual(
      warnings.map((w) => [w.code, w.partition.split('/').pop()]).sort(),
      [[days.damaged.code, days.damaged.partition], [days.denied.code, days.denied.partition]].sort(),
      what,
    );
    for (const w of warnings) assert.ok(w.message.endsWith('its events are left out of this answer'), w.message);
  }

  test('context: the lines before the kept day\'s first event reach through both days, and the answer says them', async () => {
    const search = await fetch(`${days.server.url}/api/v1/search?${new URLSearchParams({ q: '*', ...days.keptOnly, sort: 'asc', limit: '1' })}`);
    const anchor = ((await search.json()) as { hits: Record<string, string>[] }).hits[0]!;
    assert.equal(anchor.message, days.kept.messages[0]);
    const res = await fetch(`${days.server.url}/api/v1/context?${new URLSearchParams({ id: anchor['event.id']!, ts: anchor['@timestamp']!, before: '5', after: '1' })}`);
    const body = (await res.json()) as { before: unknown[]; after: { message: string }[]; warnings?: Warning[] };
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.deepEqual(body.before, []);
    assert.deepEqual(body.after.map((e) => e.message), [days.kept.messages[1]]);
    assertBothSaid(body.warnings, JSON.stringify(body));
  });

  test('tail: a resume from before both days replays the kept day and says both in one `event: warning`', async () => {
    const from = Date.parse(days.all.from);
    const frames = await readTail(`${days.server.url}/api/v1/tail?${new URLSearchParams({ q: '*', after: `${from}|` })}`, (f) => f.some((x) => x.event === 'warning'));
    assert.deepEqual(frames.filter((f) => f.event === 'log').map((f) => (JSON.parse(f.data) as { message: string }).message), days.kept.messages);
    const warnings = frames.filter((f) => f.event === 'warning');
    assert.equal(warnings.length, 1, JSON.stringify(frames));
    assertBothSaid((JSON.parse(warnings[0]!.data) as { warnings: Warning[] }).warnings, warnings[0]!.data);
  });
});
