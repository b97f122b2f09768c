import { test } from 'node:test';
import assert from 'node:assert/strict';
import { queryApiApp, sampleEvents } from '../testing/query-api-app.js';

/** Every integer query-string parameter of the API, on each route that takes it, with a value that works. */
const INTEGER_PARAMS = [
  ['/api/v1/search?from=now-1d', 'limit', '3'],
  ['/api/v1/queries/errors/search?from=now-1d', 'limit', '3'],
  ['/api/v1/aggregate?type=terms&field=host&from=now-1d', 'size', '3'],
  ['/api/v1/aggregate?type=terms&field=level&by=host&from=now-1d', 'by_size', '3'],
  ['/api/v1/fields/host/values?from=now-1d', 'size', '3'],
  ['/api/v1/context?id=e3&ts=2026-02-08T14:57:00.000Z', 'before', '3'],
  ['/api/v1/context?id=e3&ts=2026-02-08T14:57:00.000Z', 'after', '3'],
] as const;

test('an integer parameter written other than in decimal digits (0x10, 1e2, " 5", +5, 5.0, 0b11) is a coded 400 naming it and its range, on every route', async () => {
  const { app } = await queryApiApp(sampleEvents());
  for (const [base, param] of INTEGER_PARAMS) {
    for (const bad of ['0x10', '1e2', ' 5', '+5', '5.0', '0b11', '5 ', '-1', '']) {
      const url = `${base}&${param}=${encodeURIComponent(bad)}`;
      const res = await app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
      const { error } = res.json();
      assert.equal(error.code, 'LS_API_BAD_REQUEST', url);
      assert.deepEqual([error.param, error.value], [param, bad], url);
      assert.match(error.message, new RegExp(`^${param} ".*" is not a whole number in decimal digits; ${param} takes digits only, [01] to \\d+$`), url);
    }
  }
  // The range is the whole range: the schema's bounds, or the maximum the route's handler refuses past.
  for (const [url, range] of [
    ['/api/v1/context?id=e3&ts=2026-02-08T14:57:00.000Z&after=0x2', 'after takes digits only, 0 to 500'],
    ['/api/v1/search?limit=1e2', 'limit takes digits only, 1 to 10000'],
    ['/api/v1/queries/errors/search?limit=1e2', 'limit takes digits only, 1 to 10000'],
    ['/api/v1/aggregate?type=terms&field=host&size=1e2', 'size takes digits only, 1 to 1000'],
    ['/api/v1/aggregate?type=terms&field=host&by=host&by_size=1e2', 'by_size takes digits only, 1 to 100'],
    ['/api/v1/fields/host/values?size=1e2', 'size takes digits only, 1 to 1000'],
  ] as const) {
    const { error } = (await app.inject({ method: 'GET', url })).json();
    assert.ok(error.message.endsWith(range), `${url}: ${error.message}`);
  }
});

test('decimal integers still work, leading zeros too, and out-of-range ones keep their own refusals', async () => {
  const { app } = await queryApiApp(sampleEvents());
  for (const [base, param, good] of INTEGER_PARAMS) {
    for (const value of [good, `00${good}`]) {
      const res = await app.inject({ method: 'GET', url: `${base}&${param}=${value}` });
      assert.equal(res.statusCode, 200, `${base} ${param}=${value}: ${res.body}`);
    }
  }
  const search = (await app.inject({ method: 'GET', url: '/api/v1/search?from=now-1d&limit=2' })).json();
  assert.equal(search.hits.length, 2);
  const over = (await app.inject({ method: 'GET', url: '/api/v1/search?limit=10001' })).json().error;
  assert.match(over.message, /^limit 10001 is over 10000/);
  const zero = await app.inject({ method: 'GET', url: '/api/v1/search?limit=0' });
  assert.equal(zero.statusCode, 400);
  assert.match(zero.json().error.message, /limit must be >= 1/);
  // A repeated parameter is still named as repeated.
  const twice = (await app.inject({ method: 'GET', url: '/api/v1/search?limit=5&limit=0x10' })).json().error;
  assert.match(twice.message, /"limit" is given 2 times/);
  // A JSON body's numbers are JSON's: 5.0 is 5 there.
  const post = await app.inject({ method: 'POST', url: '/api/v1/search', headers: { 'content-type': 'application/json' }, payload: '{"from":"now-1d","limit":2.0}' });
  assert.equal(post.statusCode, 200, post.body);
  assert.equal(post.json().hits.length, 2);
});
