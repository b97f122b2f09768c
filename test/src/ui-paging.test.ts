/**
 * Scrolling past the first page when the next page cannot be fetched (the
 * server restarting): the list says so and offers Retry, keeping its place,
 * instead of "End of results" with most of the hits never shown. After the
 * server is back, Retry goes on from the same cursor and the rows are the
 * API's, all of them, in order.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { HAVE_CHROMIUM } from './browser.js';
import { ingest, searchAll, startServer, type ServerHandle } from './harness.js';
import { waitForTotal, pageSuite, recentLines } from './ui-support.js';

const COUNT = 260;

async function scrollToEnd(page: Page): Promise<void> {
  await page.evaluate(`(() => { const el = document.querySelector('.results'); el.scrollTop = el.scrollHeight; })()`);
}

describe('search page: paging when a page fails (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 90_000 }, () => {
  let srv: ServerHandle;
  let page: Page;

  pageSuite({
    seed: (srv) => ingest(srv.url, recentLines(COUNT, 5_000, (i) => ({ level: 'info', host: 'web-1', message: `line ${i}` }))),
  }, (s) => ({ srv, page } = s));

  test('a failed next page shows Retry, not "End of results"; Retry after the server is back loads the rest', async () => {
    // Absolute bounds, so the API is asked exactly what the page asked.
    const to = new Date().toISOString();
    const from = new Date(Date.now() - 3_600_000).toISOString();
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from, to })}`);
    await waitForTotal(page, COUNT);
    const api = (await searchAll(srv.url, '', { from, to })).map((e) => e['event.id']);
    assert.equal(api.length, COUNT);

    const { port, dataDir } = srv;
    // Killed, as a crash: a graceful stop can wait out the page's keep-alive connections.
    await srv.stop('SIGKILL');
    await scrollToEnd(page);
    const failed = page.locator('.results .more.error');
    await failed.waitFor({ timeout: 10_000 });
    assert.equal(await page.locator('.results .more.end').count(), 0, 'not "End of results"');
    // It stays failed (no request loop) while the user scrolls about.
    await scrollToEnd(page);
    await page.waitForTimeout(300);
    assert.equal(await failed.count(), 1);

    srv = await startServer({ port, dataDir });
    await failed.getByRole('button', { name: 'Retry' }).click();
    await failed.waitFor({ state: 'detached', timeout: 10_000 });
    // By row index: what is rendered right after a scroll may still be the
    // previous position's rows.
    const byIndex = new Map<number, string>();
    await page.evaluate(`document.querySelector('.results').scrollTop = 0`);
    for (let step = 0; step < 200; step++) {
      const rows = await page.$$eval('.results [data-event-id]', (els) => els.map((e) => [Number(e.getAttribute('data-index')), e.getAttribute('data-event-id')!] as const));
      for (const [i, id] of rows) byIndex.set(i, id);
      const done = await page.evaluate(`(() => {
        const el = document.querySelector('.results');
        const atEnd = el.scrollTop + el.clientHeight >= el.scrollHeight - 2;
        el.scrollTop += el.clientHeight * 0.8;
        return atEnd && !!document.querySelector('.more.end');
      })()`);
      if (done) break;
      await page.waitForTimeout(40);
    }
    const ids = [...byIndex.keys()].sort((a, b) => a - b).map((i) => byIndex.get(i)!);
    assert.deepEqual(ids, api, 'every hit, in the API\'s order');
  });
});
