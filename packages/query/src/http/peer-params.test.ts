import { test } from 'node:test';
import assert from 'node:assert/strict';
import { queryApiApp, sampleEvents } from '../testing/query-api-app.js';

test('Loki\'s and Elasticsearch\'s parameter names (query, start, end, direction, size, step) are refused with the name they have here', async () => {
  const { app } = await queryApiApp(sampleEvents());
  for (const [method, url, payload, said] of [
    ['GET', '/api/v1/search?query=level:error', undefined, /"query" .*; the query is q here \(q=level:error\)$/],
    ['GET', '/api/v1/search?q=x&start=1770552000', undefined, /"start" .*; Loki's start is from here/],
    ['GET', '/api/v1/search?q=x&end=now', undefined, /"end" .*; Loki's end is to here \(to=now\)$/],
    ['GET', '/api/v1/search?direction=forward', undefined, /"direction" .*; Loki's direction is sort here: backward is sort=desc \(the default\), forward is sort=asc$/],
    ['POST', '/api/v1/search', { q: 'x', size: 5 }, /body has a parameter this route does not take: "size" .*; Elasticsearch's size is limit on \/api\/v1\/search/],
    ['GET', '/api/v1/aggregate?type=terms&field=host&limit=5', undefined, /"limit" .*; the number of values is size on \/api\/v1\/aggregate/],
    ['GET', '/api/v1/aggregate?type=date_histogram&step=60', undefined, /"step" .*; Loki's step is interval/],
    ['GET', '/api/v1/fields?start=now-1h', undefined, /"start" .*; Loki's start is from here/],
  ] as const) {
    const res = await app.inject({ method, url, ...(payload ? { payload } : {}) });
    assert.equal(res.statusCode, 400, res.body);
    const { error } = res.json();
    assert.equal(error.code, 'LS_API_BAD_REQUEST');
    // Before: only "… does not take: "query" (querystring must NOT have additional properties)".
    assert.match(error.message, said, url);
  }
  // A misspelling that is no peer's name: the parameters the route takes, and the nearest (it was ajv's "(querystring must NOT have additional properties)").
  const limt = (await app.inject({ method: 'GET', url: '/api/v1/search?limt=5' })).json().error.message;
  assert.equal(limt, 'querystring has a parameter this route does not take: "limt" (it takes q, from, to, limit, sort, fields, cursor); did you mean "limit"?');
  // An inherited name is no peer's parameter.
  const proto = (await app.inject({ method: 'GET', url: '/api/v1/search?constructor=1' })).json().error;
  assert.equal(proto.code, 'LS_API_BAD_REQUEST');
  assert.doesNotMatch(proto.message, /; /);
});
