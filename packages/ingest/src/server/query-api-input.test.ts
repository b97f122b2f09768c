/**
 * Bad input to the query API of the real server (SQLite store): every case
 * answers a coded 4xx in `{error:{code,message}}`, never 500.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, MAX_PATH_PARAM_LENGTH } from '@logship/query';
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

const PROTO_NAMES = Object.getOwnPropertyNames(Object.prototype);

test('every Object.prototype name, through every parameter, answers as an ordinary unknown name (never 500, never a built-in)', async () => {
  const h = await seeded();
  try {
    // One event that really has a field named like a prototype member.
    await h.logship.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: ndjson({ msg: 'own constructor', constructor: 'mine', toString: 'str', asctime: '2026-02-08 12:00:09,000' }) });
    assert.ok(PROTO_NAMES.includes('constructor') && PROTO_NAMES.includes('__proto__'));
    // Every failure is collected, so one run lists them all.
    const failures: string[] = [];
    const check = (ok: boolean, what: string) => {
      if (!ok) failures.push(what);
    };
    for (const name of PROTO_NAMES) {
      const n = encodeURIComponent(name);
      const qn = encodeURIComponent(name.replace(/_/g, '\\_'));
      const cases: [string, string, number[]][] = [
        ['fields', `/api/v1/search?${RANGE}&fields=${n}`, [200]],
        ['field term', `/api/v1/search?${RANGE}&q=${qn}:x`, [200]],
        ['field exists', `/api/v1/search?${RANGE}&q=_exists_:${qn}`, [200]],
        ['field range', `/api/v1/search?${RANGE}&q=${qn}:>5`, [200]],
        // `@__proto__` is not a reference (names start with a letter): free text, 200.
        // An unknown @name is a bad q (LS_API_UNKNOWN_SAVED_QUERY, 400); it was 404.
        ['saved query ref', `/api/v1/search?${RANGE}&q=@${n}`, /^[A-Za-z]/.test(name) ? [400] : [200]],
        ['terms field', `/api/v1/aggregate?${RANGE}&type=terms&field=${n}`, [200]],
        // The two names the event really has hold strings: a coded 400 that says so
        // (LS_API_BAD_AGGREGATION), as for any text field; every other name is unknown, 200.
        ['stats field', `/api/v1/aggregate?${RANGE}&type=stats&field=${n}`, name === 'constructor' || name === 'toString' ? [400] : [200]],
        ['percentiles field', `/api/v1/aggregate?${RANGE}&type=percentiles&field=${n}`, name === 'constructor' || name === 'toString' ? [400] : [200]],
        ['saved query route', `/api/v1/queries/${n}/search?${RANGE}`, [404]],
      ];
      for (const [what, url, want] of cases) {
        const res = await get(h, url);
        check(want.includes(res.status), `${what} ${name}: ${res.status} ${JSON.stringify(res.body)}`);
        if (res.status !== 200) {
          check(/^LS_/.test(res.body.error?.code ?? ''), `${what} ${name}: uncoded`);
          if (res.status === 400) check(res.body.error?.code === (what === 'saved query ref' ? 'LS_API_UNKNOWN_SAVED_QUERY' : 'LS_API_BAD_AGGREGATION'), `${what} ${name}: ${res.body.error?.code}`);
          continue;
        }
        const own = name === 'constructor' || name === 'toString';
        if (what === 'fields') {
          for (const hit of res.body.hits as Record<string, unknown>[]) {
            const v = Object.hasOwn(hit, name) ? hit[name] : undefined;
            check(v === undefined || typeof v === 'string', `fields=${name} returned ${typeof v}`);
          }
        }
        if (what === 'field exists') check(res.body.hits!.length === (own ? 1 : 0), `_exists_:${name}: ${res.body.hits!.length} hits`);
        if (what === 'field term' || what === 'field range') check(res.body.hits!.length === 0, `${what} ${name}: ${res.body.hits!.length} hits`);
        if (what === 'terms field') {
          const buckets = (res.body as unknown as { buckets: { key: unknown; count: number }[] }).buckets;
          check(JSON.stringify(buckets.map((b) => b.key)) === JSON.stringify(own ? [name === 'constructor' ? 'mine' : 'str'] : []), `terms ${name}: ${JSON.stringify(buckets)}`);
        }
      }
    }
    assert.deepEqual(failures, []);
    const mine = await get(h, `/api/v1/search?${RANGE}&q=constructor:mine&fields=constructor`);
    assert.deepEqual((mine.body.hits as Record<string, unknown>[]).map((e) => e.constructor), ['mine']);
  } finally {
    await h.close();
  }
});

/**
 * schemathesis sent `/api/v1/context?id=x&ts=__proto__`: 500. A time that
 * does not parse looked its text up among the day words (time-advice.ts) in
 * an object literal, where `__proto__` is Object.prototype, not a function;
 * `constructor` was told "[object Object]". Every route that takes a time.
 */
test('every Object.prototype name as a time (from, to, ts) answers 400 LS_API_BAD_TIME, never 500 or a built-in\'s text', async () => {
  const h = await seeded();
  try {
    const failures: string[] = [];
    for (const name of PROTO_NAMES) {
      const n = encodeURIComponent(name);
      for (const url of [
        `/api/v1/search?from=${n}`, `/api/v1/search?to=${n}`, `/api/v1/aggregate?type=terms&field=level&from=${n}`,
        `/api/v1/fields?to=${n}`, `/api/v1/fields/level/values?from=${n}`, `/api/v1/context?id=x&ts=${n}`,
      ]) {
        const res = await get(h, url);
        const message = res.body.error?.message ?? '';
        if (res.status !== 400 || res.body.error?.code !== 'LS_API_BAD_TIME' || message.includes('[object') || message.includes('function')) {
          failures.push(`${url}: ${res.status} ${JSON.stringify(res.body)}`);
        }
      }
    }
    assert.deepEqual(failures, []);
    assert.equal((await get(h, '/health/ready')).status, 200);
  } finally {
    await h.close();
  }
});

test('a field name of hundreds of characters, ingested, is searched, aggregated and has its values listed (the router takes path parameters as long as a query)', async () => {
  const h = await seeded();
  try {
    // Past fastify's default path parameter limit (100), as real names get
    // (OpenTelemetry attributes, flattened nested JSON).
    const name = `attributes.${'nested.'.repeat(40)}key`;
    assert.ok(name.length > 250);
    const res = await h.logship.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: ndjson({ ...pythonLine, asctime: '2026-02-08 12:00:08,000', [name]: 'long-named' }) });
    assert.equal(res.json().stored, 1, res.body);
    const hits = await get(h, `/api/v1/search?${RANGE}&q=${encodeURIComponent(`${name}:long-named`)}`);
    assert.equal(hits.body.hits!.length, 1, JSON.stringify(hits.body));
    const terms = await get(h, `/api/v1/aggregate?${RANGE}&type=terms&field=${encodeURIComponent(name)}`);
    assert.deepEqual((terms.body as unknown as { buckets: unknown[] }).buckets, [{ key: 'long-named', count: 1 }]);
    const values = await get(h, `/api/v1/fields/${encodeURIComponent(name)}/values?${RANGE}`);
    assert.equal(values.status, 200, JSON.stringify(values.body));
    assert.deepEqual((values.body as unknown as { field: string; values: unknown[] }).values, [{ value: 'long-named', count: 1 }]);
    assert.equal((values.body as unknown as { field: string }).field, name);
    // Past the longest query a name cannot be searched either: 414 with a code.
    const tooLong = await get(h, `/api/v1/fields/${'x'.repeat(MAX_PATH_PARAM_LENGTH + 1)}/values?${RANGE}`);
    assert.equal(tooLong.status, 414, JSON.stringify(tooLong.body));
    assert.equal(tooLong.body.error?.code, 'LS_API_PATH_TOO_LONG');
    assert.match(tooLong.body.error?.message ?? '', new RegExp(`over ${MAX_PATH_PARAM_LENGTH} characters`));
  } finally {
    await h.close();
  }
});

test('time ranges past year 9999 answer 400 with a code, in from/to and inside the query, in every form', async () => {
  const h = await seeded();
  try {
    for (const [what, url, code] of [
      ['to=now+10000y', '/api/v1/search?from=2026-02-01T00:00:00Z&to=now%2B10000y', 'LS_API_BAD_TIME'],
      ['to as epoch ms past 9999', '/api/v1/search?from=2026-02-01T00:00:00Z&to=253402300800000', 'LS_API_BAD_TIME'],
      ['to=9999-12-31||+1d', `/api/v1/search?from=2026-02-01T00:00:00Z&to=${encodeURIComponent('9999-12-31||+1d')}`, 'LS_API_BAD_TIME'],
      ['from=now-3000y', '/api/v1/aggregate?type=terms&field=level&from=now-3000y', 'LS_API_BAD_TIME'],
      ['@timestamp:<now+10000y', `/api/v1/search?${RANGE}&q=${encodeURIComponent('@timestamp:<now+10000y')}`, 'LS_QUERY_INVALID_DATE'],
    ] as const) {
      const res = await get(h, url);
      assert.equal(res.status, 400, `${what}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error?.code, code, what);
    }
    const far = await get(h, '/api/v1/search?from=2026-02-01T00:00:00Z&to=9999-12-31');
    assert.equal(far.status, 200);
    assert.equal(far.body.hits!.length, 6, 'the last representable day still finds everything');
  } finally {
    await h.close();
  }
});

test('fuzz (modest: 300 seeded cursors and 300 POST bodies; bench/fuzz-api.mjs runs 10^5): every answer is coded and under 500', async () => {
  const h = await seeded();
  try {
    const rng = createRng(1616);
    const real = (await get(h, `/api/v1/search?${RANGE}&limit=2`)).body.next_cursor!;
    const chars = [...'abcAZ09_-.@:*"\\/ ,{}[]é😀'];
    for (let i = 0; i < 300; i++) {
      const text = rng.pick([
        () => real.slice(0, rng.int(0, real.length)),
        () => real.replace(/./g, (c) => (rng.chance(0.05) ? rng.pick(chars) : c)),
        () => Buffer.from(JSON.stringify([rng.int(0, 2), rng.pick(['a', 'd', 'x']), rng.pick([0, -1, 1e21, 2 ** 60, 1.5]), rng.pick(chars), rng.pick(chars)])).toString('base64url'),
        () => Array.from({ length: rng.int(0, 20) }, () => rng.pick(chars)).join(''),
      ])();
      const res = await get(h, `/api/v1/search?${RANGE}&limit=2&sort=${rng.pick(['asc', 'desc'])}&cursor=${encodeURIComponent(text)}`);
      assert.ok(res.status < 500 && (res.status === 200 || /^LS_/.test(res.body.error?.code ?? '')), `cursor ${text}: ${res.status} ${JSON.stringify(res.body)}`);
    }
    for (let i = 0; i < 300; i++) {
      const body = rng.pick([
        () => JSON.stringify({ q: rng.pick(['*', 'level:', '@constructor', 'a AND']), limit: rng.pick([1, 0, -1, 'x', null]), fields: rng.pick(['constructor', ['__proto__'], 5]) }),
        () => `{"q":"*","__proto__":{"x":${rng.int(0, 9)}}}`,
        () => JSON.stringify({ type: rng.pick(['terms', 'stats', 'x']), field: rng.pick(['toString', 'level', '']) }).slice(0, rng.int(1, 40)),
      ])();
      const res = await h.logship.app.inject({ method: 'POST', url: rng.pick(['/api/v1/search', '/api/v1/aggregate']), payload: body, headers: { 'content-type': rng.pick(['application/json', 'application/x-www-form-urlencoded']) } });
      assert.ok(res.statusCode < 500, `${body}: ${res.statusCode} ${res.body}`);
      assert.ok(res.statusCode === 200 || /^LS_/.test((res.json() as { error?: { code?: string } }).error?.code ?? ''), res.body);
    }
  } finally {
    await h.close();
  }
});
