/**
 * Past the 10,000 hits the search API counts (`total.relation: gte`), the
 * page's total is the histogram's sum for the same query and range (the
 * aggregate API counts every hit), as Kibana's Discover shows an exact hit
 * count: not "≥ 10,000" for any busy quarter hour.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { HAVE_CHROMIUM } from './browser.js';
import { ingest, type ServerHandle } from './harness.js';
import { apiGet, apiTotal, waitForTotal, type ApiSearch, pageSuite, recentLines } from './ui-support.js';

const COUNT = 10_500;

describe('search page: an exact total past 10,000 hits (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 90_000 }, () => {
  let srv: ServerHandle;
  let page: Page;

  pageSuite({
    seed: (srv) => ingest(srv.url, recentLines(COUNT, 300, (i) => ({ level: i % 10 === 0 ? 'error' : 'info', host: 'web-1', message: `line ${i}` }))),
  }, (s) => ({ srv, page } = s));

  test('10,500 hits: the search API says ≥ 10,000, the page says 10,500 (the aggregate API\'s sum)', async () => {
    const to = new Date().toISOString();
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const api = await apiGet<ApiSearch>(srv, '/api/v1/search', { q: '', from, to, limit: '1' });
    assert.deepEqual(api.body.total, { value: 10_000, relation: 'gte' });
    const agg = await apiGet<{ buckets: { count: number }[] }>(srv, '/api/v1/aggregate', { q: '', from, to, type: 'date_histogram', interval: '1m' });
    assert.equal(agg.body.buckets.reduce((n, b) => n + b.count, 0), COUNT);

    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from, to })}`);
    await waitForTotal(page, COUNT);
    assert.equal(await page.locator('.total').getAttribute('data-relation'), 'eq');
    assert.equal(await page.locator('.total').innerText(), `${COUNT.toLocaleString('en-US')} hits`);

    // Under the limit the search's own exact count is shown, as before.
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: 'level:error', from, to })}`);
    await waitForTotal(page, await apiTotal(srv, 'level:error', from, to));
  });
});
