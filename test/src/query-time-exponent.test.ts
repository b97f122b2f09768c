/**
 * A query-string time in exponent form (`to=2.5e%2B16`, `from=1.7e12`) is
 * the number it writes, as the same literal in a JSON body is, through a
 * real `logship serve` over HTTP: the OpenAPI document's number alternative
 * for `from` / `to` invites them (schemathesis sent them), and they were
 * refused as "not a date" while `{"to":2.5e16}` was taken.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ingest, removeDir, startServer, stopAll, tempDir, type ServerHandle } from './harness.js';

/** A round time a day or two ago (inside the default 30 days' retention): the events lie in its first five seconds. */
const T0 = Math.floor(Date.now() / 1e8) * 1e8 - 1e8;
/** A day before and after it: what each case's range holds. */
const BEFORE = T0 - 1e8;
const AFTER = T0 + 1e8;
/** JavaScript's exponent form of a number (`1.7965e+12`), which a JSON body may write too. */
const e = (n: number): string => n.toExponential();

interface Answer {
  status: number;
  code?: string;
  range?: { from: string; to: string };
  hits?: number;
}

async function answer(res: Response): Promise<Answer> {
  const body = (await res.json()) as { error?: { code: string }; range?: { from: string; to: string }; hits?: unknown[] };
  return { status: res.status, code: body.error?.code, range: body.range, hits: body.hits?.length };
}

describe('query-string times in exponent form (a real server)', () => {
  let root: string;
  let server: ServerHandle;

  before(async () => {
    root = await tempDir('logship-exponent-');
    server = await startServer({ dataDir: join(root, 'data') });
    const lines = Array.from({ length: 5 }, (_, i) => JSON.stringify({ created: (T0 + i * 1000) / 1000, levelname: 'INFO', name: 'app', message: `line ${i}` }));
    const ans = await ingest(server.url, lines);
    assert.equal(ans.stored, 5, JSON.stringify(ans));
  });

  after(async () => {
    await stopAll();
    await removeDir(root);
  });

  /** GET with the literal in the query string (encoded: `+` as %2B) and POST with the same literal as a JSON number. */
  async function both(from: string, to: string): Promise<{ get: Answer; post: Answer }> {
    const get = await answer(await fetch(`${server.url}/api/v1/search?${new URLSearchParams({ from, to })}`));
    const post = await answer(await fetch(`${server.url}/api/v1/search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"from":${from},"to":${to}}`,
    }));
    return { get, post };
  }

  test('each exponent literal answers in a query string as it does in a JSON body, by the same reading and range', async () => {
    const taken: [string, string, number][] = [
      [e(BEFORE).replace('+', ''), e(AFTER).replace('+', ''), 5], // milliseconds
      [e(BEFORE), e(AFTER).toUpperCase(), 5], // an explicit +, a capital E
      [e(T0 / 1000), e(T0 / 1000), 1], // seconds: `to` fills its second to 999 ms
      [e((T0 + 500) / 1000), e(AFTER * 1000), 4], // a fraction of seconds; microseconds
      [e(BEFORE * 1e6), '2.5e+16', 5], // nanoseconds; schemathesis' `to`
      ['-1e3', e((T0 + 1500) / 1000), 2], // before 1970, in seconds
    ];
    assert.match(taken[3]![0], /^\d\.\d+e\+9$/, 'a fraction of a second in exponent form');
    for (const [from, to, hits] of taken) {
      const { get, post } = await both(from, to);
      assert.equal(post.status, 200, `body ${from}..${to}: ${JSON.stringify(post)}`);
      assert.deepEqual(get, post, `query string ${from}..${to} answers as the body does`);
      assert.equal(get.hits, hits, `${from}..${to}`);
    }
    // A number outside the years 0000-9999, or one JavaScript writes in
    // exponent form again (past 10^21, below 10^-6), is refused both ways alike.
    for (const to of ['5e14', '1e21', '1e-7', '-9e17']) {
      const { get, post } = await both('0', to);
      assert.equal(post.status, 400, `body to=${to}: ${JSON.stringify(post)}`);
      assert.deepEqual(get, post, `query string to=${to} is refused as the body is`);
      assert.equal(get.code, 'LS_API_BAD_TIME', to);
    }
  });

  test('an unencoded + (a space after URL decoding) is read as the +, on every route that takes a time', async () => {
    // `?to=2.5e+16` typed into curl arrives as `2.5e 16`.
    const range = await answer(await fetch(`${server.url}/api/v1/search?from=${e(BEFORE)}&to=2.5e+16`));
    assert.equal(range.status, 200, JSON.stringify(range));
    assert.deepEqual(range.range, { from: new Date(BEFORE).toISOString(), to: new Date(2.5e13).toISOString() });
    assert.equal(range.hits, 5);
    const encoded = new URLSearchParams({ from: e(BEFORE), to: e(AFTER) });
    for (const path of [
      `/api/v1/aggregate?type=terms&field=level&${encoded}`,
      `/api/v1/fields?${encoded}`,
      `/api/v1/fields/level/values?${encoded}`,
      `/api/v1/fields?from=${e(BEFORE)}&to=${e(AFTER)}`,
    ]) {
      const res = await fetch(`${server.url}${path}`);
      assert.equal(res.status, 200, `${path}: ${await res.text()}`);
    }
  });

  test('what is no JSON number stays a coded 400 naming the parameter', async () => {
    for (const text of ['1e', 'e12', '1.7e12.5', '1.7e12x', '1e+-5', '01e5', '.5e3', '1.e5', '0x1e5', 'Infinity', '1e 1e']) {
      const res = await fetch(`${server.url}/api/v1/search?${new URLSearchParams({ from: text })}`);
      const body = (await res.json()) as { error?: { code: string; message: string } };
      assert.equal(res.status, 400, `from=${text}: ${JSON.stringify(body)}`);
      assert.equal(body.error?.code, 'LS_API_BAD_TIME', text);
      assert.match(body.error!.message, /\bfrom\b/, text);
    }
  });
});
