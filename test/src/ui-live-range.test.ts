/**
 * Live tail and the time range. Live follows new events, so it goes with a
 * range ending now. Before, Live on an absolute range (yesterday's hour, a
 * histogram zoom) put events arriving now on top of that hour's results,
 * past the range's end, and the histogram and total never showed them.
 * Now: Live on such a range makes it the same length ending now (and
 * searches again); picking a range that ends elsewhere turns Live off; a
 * link with both keeps the range and drops Live.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { HAVE_CHROMIUM } from './browser.js';
import { ingest, type ServerHandle } from './harness.js';
import { apiTotal, urlParams, waitForTotal, pageSuite, recentLines } from './ui-support.js';

describe('search page: live tail and the time range (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 90_000 }, () => {
  let srv: ServerHandle;
  let page: Page;
  const live = () => page.getByRole('button', { name: 'Live' });

  pageSuite({
    // Two hours of events, one a minute.
    seed: (srv) => ingest(srv.url, recentLines(120, 60_000, (i) => ({ level: 'info', host: 'web-1', message: `line ${i}` }))),
  }, (s) => ({ srv, page } = s));

  test('Live on an absolute range: the same length ending now, searched; new events then land in it', async () => {
    const toMs = Date.now() - 30 * 60_000;
    const from = new Date(toMs - 3_600_000).toISOString();
    const to = new Date(toMs).toISOString();
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from, to })}`);
    await waitForTotal(page, await apiTotal(srv, '', from, to));
    await live().click();
    await page.waitForFunction(`new URL(location.href).searchParams.get('live') === '1'`);
    assert.equal(urlParams(page).get('from'), 'now-1h');
    assert.equal(urlParams(page).get('to'), 'now');
    assert.equal(await page.getByRole('button', { name: 'Time range' }).innerText(), 'Last 1 hour');
    await waitForTotal(page, await apiTotal(srv, '', 'now-1h', 'now'));
    await page.locator('[data-live="open"]').waitFor();
    await ingest(srv.url, [JSON.stringify({ '@timestamp': new Date().toISOString(), level: 'error', host: 'web-1', message: 'arrived live' })]);
    await page.waitForFunction(`document.querySelector('.results [data-index="0"] .message')?.textContent === 'arrived live'`);
  });

  test('a histogram zoom while live turns Live off (the range no longer ends now)', async () => {
    assert.equal(await live().getAttribute('aria-pressed'), 'true');
    const box = (await page.locator('.histogram .u-over').boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForFunction(`/^\\d{4}-/.test(new URL(location.href).searchParams.get('to') ?? '')`);
    assert.equal(urlParams(page).get('live'), null);
    assert.equal(await live().getAttribute('aria-pressed'), 'false');
    assert.equal(await page.locator('.rate').count(), 0, 'no live stream');
  });

  test('Live on today (now/d to now/d, its end rounded up): the last 1 day', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from: 'now/d', to: 'now/d' })}`);
    await page.locator('.total[data-total]:not([data-total=""])').waitFor();
    await live().click();
    await page.waitForFunction(`new URL(location.href).searchParams.get('live') === '1'`);
    assert.equal(urlParams(page).get('from'), 'now-1d');
    assert.equal(urlParams(page).get('to'), 'now');
    await live().click();
  });

  test('Live turned on a while after the search starts where the search ended: what came in between is not left out', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: 'host:web-9', from: 'now-1h', to: 'now' })}`);
    await waitForTotal(page, 0);
    // Stored after the search, before Live.
    await ingest(srv.url, [JSON.stringify({ '@timestamp': new Date().toISOString(), level: 'info', host: 'web-9', message: 'in between' })]);
    await live().click();
    await page.locator('[data-live="open"]').waitFor();
    await ingest(srv.url, [JSON.stringify({ '@timestamp': new Date(Date.now() + 5).toISOString(), level: 'info', host: 'web-9', message: 'after live' })]);
    await page.waitForFunction(`document.querySelectorAll('.results .message').length === 2`);
    assert.deepEqual(await page.locator('.results .message').allInnerTexts(), ['after live', 'in between']);
    await live().click();
  });

  test('a link with live=1 and an absolute range keeps the range and drops live', async () => {
    const from = new Date(Date.now() - 7_200_000).toISOString();
    const to = new Date(Date.now() - 3_600_000).toISOString();
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from, to, live: '1' })}`);
    await waitForTotal(page, await apiTotal(srv, '', from, to));
    assert.equal(urlParams(page).get('live'), null);
    assert.equal(urlParams(page).get('from'), from);
    assert.equal(await live().getAttribute('aria-pressed'), 'false');
  });

  test('back to a range the page cannot read, live on: the error, and live stops (its stream is closed, nothing added)', async () => {
    // An address with a From the page cannot read (edited by hand, or an
    // old link), then a quick range, then Back to it: no search reads, so
    // live has no place to start. It went on with the previous search's
    // stream, new events piling into the emptied list under the error.
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: 'host:web-1', from: 'now-15x', to: 'now', live: '1' })}`);
    await page.locator('.failure').waitFor();
    await page.getByRole('button', { name: 'Time range' }).click();
    await page.locator('.picker-panel .quick button', { hasText: 'Last 15 minutes' }).click();
    await page.locator('[data-live="open"]').waitFor();
    const closed = page.waitForEvent('requestfailed', { predicate: (r) => new URL(r.url()).pathname === '/api/v1/tail', timeout: 10_000 });
    await page.goBack();
    await page.locator('.failure').waitFor();
    assert.match(await page.locator('.failure').innerText(), /^Time range: /);
    await closed;
    await ingest(srv.url, [JSON.stringify({ '@timestamp': new Date().toISOString(), level: 'info', host: 'web-1', message: 'under the error' })]);
    // Searching again shows it: it was stored, and only live had been stopped.
    await page.getByRole('button', { name: 'Time range' }).click();
    await page.locator('.picker-panel .quick button', { hasText: 'Last 15 minutes' }).click();
    await page.waitForFunction(`[...document.querySelectorAll('.results .message')].some((m) => m.textContent === 'under the error')`, undefined, { timeout: 10_000 });
  });
});
