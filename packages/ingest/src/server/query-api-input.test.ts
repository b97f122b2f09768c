/**
 * Bad input to the query API of the real server (SQLite store): every case
 * answers a coded 4xx in `{error:{code,message}}`, never 500.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appHarness, ndjson, nginxLine, pythonLine, type AppHarness } from '../testing/app-harness.js';

const RANGE = 'from=2026-02-01T00:00:00Z&to=2026-02-09T00:00:00Z';

async function get(h: AppHarness, url: string) {
  const res = await h.logship.app.inject({ method: 'GET', url });
  return { status: res.statusCode, body: res.json() as { error?: { code: string; message: string }; hits?: unknown[]; next_cursor?: string | null } };
}

async function seeded(): Promise<AppHarness> {
  const h = await appHarness();
  const lines = Array.from({ length: 5 }, (_, i) => ({ ...pythonLine, message: `line ${i}`, asctime: `2026-02-08 12:00:0${i},000` }));
  const res = await h.logship.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: ndjson(...lines, nginxLine) });
  assert.equal(res.json().stored, 6);
  return h;
}

test('cursors: malformed, foreign-sort, out-of-range and other-query cursors answer 400 LS_STORE_BAD_CURSOR', async () => {
  const h = await seeded();
  try {
    const first = await get(h, `/api/v1/search?q=level:error&${RANGE}&limit=2`);
    assert.equal(first.status, 200);
    const cursor = first.body.next_cursor!;
    assert.ok(cursor);
    const next = await get(h, `/api/v1/search?q=level:error&${RANGE}&limit=2&cursor=${cursor}`);
    assert.equal(next.status, 200, 'the same query pages on');
    assert.equal(next.body.hits!.length, 2);

    const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
    for (const [what, url] of [
      ['garbage', `/api/v1/search?${RANGE}&cursor=abc`],
      ['a desc cursor with sort=asc', `/api/v1/search?q=level:error&${RANGE}&limit=2&sort=asc&cursor=${cursor}`],
      ['a number past 1e308', `/api/v1/search?${RANGE}&cursor=${b64('["d",1e400,"x"]')}`],
      ['an old-format cursor', `/api/v1/search?${RANGE}&cursor=${b64(['d', 1, 'x'])}`],
      ['another query\'s cursor', `/api/v1/search?q=level:info&${RANGE}&limit=2&cursor=${cursor}`],
    ] as const) {
      const res = await get(h, url);
      assert.equal(res.status, 400, `${what}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error?.code, 'LS_STORE_BAD_CURSOR', what);
    }
  } finally {
    await h.close();
  }
});
