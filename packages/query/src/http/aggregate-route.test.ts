import { test } from 'node:test';
import assert from 'node:assert/strict';
import { API_NOW, queryApiApp, sampleEvents } from '../testing/query-api-app.js';

test('GET /api/v1/aggregate: terms, stats, percentiles and date_histogram over the query and range', async () => {
  const { app } = await queryApiApp(sampleEvents());
  const get = async (qs: string) => {
    const res = await app.inject({ method: 'GET', url: `/api/v1/aggregate?from=now-1h&${qs}` });
    assert.equal(res.statusCode, 200, `${qs}: ${res.body}`);
    return res.json();
  };
  const terms = await get('type=terms&field=host&size=2');
  assert.deepEqual(terms.buckets, [{ key: 'web-1', count: 3 }, { key: 'web-2', count: 2 }]);
  assert.equal(terms.other_count, 1);
  const stats = await get('type=stats&field=duration_ms&q=host:web-1');
  assert.deepEqual([stats.count, stats.min, stats.max, stats.sum], [2, 20, 1500, 1520]);
  const pct = await get('type=percentiles&field=duration_ms&percents=50,100');
  assert.deepEqual(pct.values, { 50: 610, 100: 1500 }, 'linear between closest ranks of 1, 20, 1200, 1500');
  const hist = await get('type=date_histogram&interval=1h');
  assert.equal(hist.interval_ms, 3_600_000);
  assert.equal(hist.buckets.reduce((s: number, b: { count: number }) => s + b.count, 0), 6);
  const posted = await app.inject({ method: 'POST', url: '/api/v1/aggregate', payload: { type: 'terms', field: 'level', from: 'now-1h' } });
  assert.equal(posted.json().buckets[0].key, 'error');
});

test('aggregate refuses bad specs with coded 400s', async () => {
  const { app } = await queryApiApp(sampleEvents());
  for (const qs of [
    'type=terms', 'type=nope&field=x', 'type=percentiles&field=x&percents=50,101', 'type=date_histogram&interval=7q', 'type=date_histogram&interval=1s&from=now-1y', 'type=stats',
    // An empty list or item is no percent (Number('') is 0), nor is hex or exponent notation.
    'type=percentiles&field=duration_ms&percents=', 'type=percentiles&field=duration_ms&percents=%20', 'type=percentiles&field=duration_ms&percents=50,,99',
    'type=percentiles&field=duration_ms&percents=50,', 'type=percentiles&field=duration_ms&percents=0x10', 'type=percentiles&field=duration_ms&percents=1e1',
  ]) {
    const res = await app.inject({ method: 'GET', url: `/api/v1/aggregate?${qs}` });
    assert.equal(res.statusCode, 400, `${qs}: ${res.body}`);
    // An unknown type lists the four allowed ones (LS_API_BAD_AGGREGATION); the rest are malformed parameters.
    assert.equal(res.json().error.code, qs.startsWith('type=nope') ? 'LS_API_BAD_AGGREGATION' : 'LS_API_BAD_REQUEST', qs);
  }
});

test('percentiles takes percents as numbers 0-100, comma-separated in a query string or an array in a body', async () => {
  const { app } = await queryApiApp(sampleEvents());
  const spaced = await app.inject({ method: 'GET', url: '/api/v1/aggregate?from=now-1h&type=percentiles&field=duration_ms&percents=50,%2099.5,100' });
  assert.equal(spaced.statusCode, 200, spaced.body);
  assert.deepEqual(Object.keys(spaced.json().values).map(Number).sort((a, b) => a - b), [50, 99.5, 100]);
  for (const percents of ['', []]) {
    const res = await app.inject({ method: 'POST', url: '/api/v1/aggregate', payload: { type: 'percentiles', field: 'duration_ms', percents } });
    assert.equal(res.statusCode, 400, `${JSON.stringify(percents)}: ${res.body}`);
    assert.equal(res.json().error.code, 'LS_API_BAD_REQUEST');
  }
});

test('stats of an object (http, whose events have http.status) is an empty answer, not "http has N values and none is a number"', async () => {
  const at = new Date(API_NOW - 60_000).toISOString();
  const { app } = await queryApiApp([
    { '@timestamp': at, 'event.id': 'a', 'http.status': 500 },
    { '@timestamp': at, 'event.id': 'b', 'http.status': 200 },
  ]);
  const res = await app.inject({ method: 'GET', url: '/api/v1/aggregate?type=stats&field=http&from=now-1d' });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.json().count, 0);
});

test('terms size=5000 and by_size=500 over the maximum are a 400 naming it, not an answer cut to it', async () => {
  const { app } = await queryApiApp(sampleEvents());
  for (const [qs, param, maximum] of [
    ['type=terms&field=host&size=5000&from=now-1d', 'size', 1000],
    ['type=stats&field=duration_ms&by=host&by_size=500&from=now-1d', 'by_size', 100],
  ] as const) {
    const res = await app.inject({ method: 'GET', url: `/api/v1/aggregate?${qs}` });
    assert.equal(res.statusCode, 400, `${qs}: ${res.body}`);
    const error = res.json().error;
    assert.equal(error.code, 'LS_API_BAD_REQUEST', qs);
    assert.deepEqual([error.param, error.maximum], [param, maximum], qs);
    assert.match(error.message, new RegExp(`^${param} ${param === 'size' ? 5000 : 500} is over ${maximum}, the most`), qs);
  }
  // At the maximum, answered.
  const at = await app.inject({ method: 'GET', url: '/api/v1/aggregate?type=terms&field=host&size=1000&from=now-1d' });
  assert.equal(at.statusCode, 200, at.body);
  assert.equal(at.json().buckets.length, 3);
});

test('a refusal made by a handler names its parameter in param, as the schema\'s do (docs/ERRORS.md)', async () => {
  const { app } = await queryApiApp(sampleEvents());
  const cases: { url: string; payload?: Record<string, unknown>; param: string; value?: unknown }[] = [
    { url: '/api/v1/aggregate?type=terms', param: 'field' },
    { url: '/api/v1/aggregate?type=stats', param: 'field' },
    { url: '/api/v1/aggregate?type=nope&field=x', param: 'type' },
    { url: '/api/v1/aggregate?type=stats&field=message', param: 'field' },
    { url: '/api/v1/aggregate?type=stats&field=host&from=now-1h', param: 'field' },
    { url: '/api/v1/aggregate?type=percentiles&field=duration_ms&percents=50,101', param: 'percents', value: '50,101' },
    { url: '/api/v1/aggregate', payload: { type: 'percentiles', field: 'duration_ms', percents: ['50'] }, param: 'percents', value: ['50'] },
    { url: '/api/v1/aggregate', payload: { type: 'percentiles', field: 'duration_ms', percents: true }, param: 'percents', value: true },
    { url: '/api/v1/aggregate?type=date_histogram&interval=7q', param: 'interval', value: '7q' },
    { url: '/api/v1/aggregate?type=date_histogram&interval=1s&from=now-1y', param: 'interval', value: '1s' },
    { url: '/api/v1/aggregate?type=terms&field=host&by_size=3', param: 'by' },
    { url: '/api/v1/aggregate?type=terms&field=host&by=message', param: 'by' },
    { url: '/api/v1/aggregate?type=terms&field=host&q=(', param: 'q' },
    { url: '/api/v1/search?q=(', param: 'q' },
    { url: '/api/v1/search?cursor=xyz', param: 'cursor' },
    { url: '/api/v1/fields?q=(', param: 'q' },
    { url: '/api/v1/fields/host/values?q=host:/[/', param: 'q' },
  ];
  for (const c of cases) {
    const res = await app.inject({ method: c.payload ? 'POST' : 'GET', url: c.url, ...(c.payload ? { payload: c.payload } : {}) });
    const what = `${c.url} ${JSON.stringify(c.payload ?? '')}: ${res.body}`;
    assert.equal(res.statusCode, 400, what);
    assert.equal(res.json().error.param, c.param, what);
    if (c.value !== undefined) assert.deepEqual(res.json().error.value, c.value, what);
    // percents, refused by the schema or by the handler, says both forms it takes.
    if (c.param === 'percents') assert.match(res.json().error.message, /a comma-separated string \(50,95,99\) or a list of numbers \(\[50, 95, 99\]\), not /, what);
  }
});
