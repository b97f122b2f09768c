/**
 * Past the 10,000 hits the search API counts (`total.relation: gte`), the
 * page's total is the histogram's sum for the same query and range (the
 * aggregate API counts every hit), as Kibana's Discover shows an exact hit
 * count: not "≥ 10,000" for any busy quarter hour.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { HAVE_CHROMIUM, launchChromium } from './browser.js';
import { ingest, startServer, stopAll, type ServerHandle } from './harness.js';
import { apiGet, apiTotal, waitForTotal, type ApiSearch } from './ui-support.js';

const COUNT = 10_500;

describe('search page: an exact total past 10,000 hits (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 90_000 }, () => {
  let srv: ServerHandle;
  let browser: Browser;
  let page: Page;

  before(async () => {
    srv = await startServer();
    const end = Date.now() - 5_000;
    await ingest(srv.url, Array.from({ length: COUNT }, (_, i) => JSON.stringify({
      '@timestamp': new Date(end - i * 300).toISOString(), level: i % 10 === 0 ? 'error' : 'info', host: 'web-1', message: `line ${i}`,
    })));
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  });

  after(async () => {
    await browser?.close();
    await stopAll();
  });

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
