/**
 * Live tail and events that arrive out of order. Before, every event the
 * tail sent went on top of the list (newest first) or at its end (oldest
 * first) and counted in the total: a shipper catching up put a line from
 * three minutes ago above the newest ones, a line from two hours ago (before
 * the range) or a host whose clock runs an hour ahead sat on top and added
 * to a total the same search does not give. Now, as Grafana's live mode
 * orders its rows, each goes at its place by time, and those outside the
 * range are left out of the list and the figures (the summary counts them).
 * A tail resumed after a drop started after the last event's time: after
 * one an hour ahead, nothing stored meanwhile was shown; it resumes from the
 * furthest position up to now. (That suite's server ends each stream after
 * 2 s, `search.tail_max_duration_s`, as a server ends any after an hour.)
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { HAVE_CHROMIUM } from './browser.js';
import { ingest, type ServerHandle } from './harness.js';
import { apiGet, apiTotal, pageSuite, recentLines, waitForTotal, type ApiSearch } from './ui-support.js';

const Q = 'host:web-1';
const SEEDED = 50;
// 50 events, one every 14 s: about 12 minutes of the last 15.
const seed = (srv: ServerHandle) => ingest(srv.url, recentLines(SEEDED, 14_000, (i) => ({ level: 'info', host: 'web-1', message: `seeded ${i}` })));
const isTail = (url: URL) => url.pathname === '/api/v1/tail';
const line = (message: string, atMs: number) => JSON.stringify({ '@timestamp': new Date(atMs).toISOString(), level: 'info', host: 'web-1', message });

describe('search page: live events at their place by time (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 90_000 }, () => {
  let srv: ServerHandle;
  let page: Page;

  pageSuite({ seed }, (s) => ({ srv, page } = s));

  /** Where the API puts `message` in the same search, in the given order. */
  const apiIndex = async (message: string, sort: 'asc' | 'desc'): Promise<number> => {
    const r = await apiGet<ApiSearch>(srv, '/api/v1/search', { q: Q, from: 'now-15m', to: 'now', limit: '500', sort });
    const i = r.body.hits.findIndex((h) => h.message === message);
    assert.ok(i >= 0, `${message} not found by the API`);
    return i;
  };
  const rowOf = (message: string) => page.locator('.results [data-index]').filter({ has: page.locator('.message', { hasText: new RegExp(`^${message}$`) }) });
  const rowCount = () => page.locator('.results [role="treegrid"]').getAttribute('aria-rowcount');
  const waitForRow = (message: string) => rowOf(message).waitFor();

  test('newest first: a late event goes at its time, one before the range or far ahead is left out and counted apart', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: Q, from: 'now-15m', to: 'now' })}`);
    await waitForTotal(page, SEEDED);
    // The figures' reads are over before the late events come: one that a
    // read reaches after its commit but before the main thread publishes it
    // is still counted twice (commit-mark.ts: the mark errs that way), and
    // under CI's load this test once failed, most likely so (the log kept
    // no more than the test's name). ui-live-counts.test.ts holds reads back
    // on purpose to test the marks; this file is about where events go.
    await page.waitForFunction(`document.querySelector('.histogram')?.dataset.sum === '${SEEDED}'`);
    await page.getByRole('button', { name: 'Live' }).click();
    await page.locator('[data-live="open"]').waitFor();
    const now = Date.now();
    await ingest(srv.url, [
      line('late in range', now - 200_000),
      line('before the range', now - 2 * 3_600_000),
      line('far ahead', now + 3_600_000),
    ]);
    await ingest(srv.url, [line('just now', Date.now())]);
    await page.waitForFunction(`document.querySelector('.results [data-index="0"] .message')?.textContent === 'just now'`);
    await waitForTotal(page, SEEDED + 2, 5_000);
    await waitForRow('late in range');
    assert.equal(await rowOf('late in range').getAttribute('data-index'), String(await apiIndex('late in range', 'desc')));
    assert.equal(await rowCount(), String(SEEDED + 2));
    assert.equal(await page.locator('.outside').getAttribute('data-outside'), '2');
    await page.waitForFunction(`document.querySelector('.histogram')?.dataset.sum === '${SEEDED + 2}'`);
  });

  test('while reading further down: "N new" puts each at its time when shown', async () => {
    const list = page.locator('.results');
    await list.evaluate((el) => { el.scrollTop = 300; });
    await page.waitForTimeout(100);
    const now = Date.now();
    await ingest(srv.url, [line('late while reading', now - 100_000), line('newest while reading', now)]);
    await page.getByRole('button', { name: '2 new' }).click();
    await page.waitForFunction(`document.querySelector('.results [data-index="0"] .message')?.textContent === 'newest while reading'`);
    await waitForRow('late while reading');
    assert.equal(await rowOf('late while reading').getAttribute('data-index'), String(await apiIndex('late while reading', 'desc')));
    await waitForTotal(page, SEEDED + 4, 5_000);
  });

  test('oldest first: a late event goes at its time, not at the end', async () => {
    await page.getByRole('combobox', { name: 'Order' }).selectOption('asc');
    await waitForTotal(page, SEEDED + 4);
    await page.locator('[data-live="open"]').waitFor();
    await ingest(srv.url, [line('late oldest first', Date.now() - 50_000)]);
    await page.waitForFunction(`document.querySelector('.results [role="treegrid"]')?.getAttribute('aria-rowcount') === '${SEEDED + 5}'`);
    await page.locator('.results').evaluate((el) => { el.scrollTop = el.scrollHeight; });
    await waitForRow('late oldest first');
    assert.equal(await rowOf('late oldest first').getAttribute('data-index'), String(await apiIndex('late oldest first', 'asc')));
    await waitForTotal(page, SEEDED + 5, 5_000);
  });
  test('a burst of 20,000 events while live is all shown, newest on top', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: 'host:burst', from: 'now-15m', to: 'now', live: '1' })}`);
    await waitForTotal(page, 0);
    await page.locator('[data-live="open"]').waitFor();
    await ingest(srv.url, [JSON.stringify({ '@timestamp': new Date().toISOString(), level: 'info', host: 'burst', message: 'first' })]);
    await waitForTotal(page, 1, 5_000);
    assert.equal(await page.locator('.total').innerText(), '1 hit', 'not "1 hits"');
    // Placed one at a time, each event copied the list and the arrivals:
    // 20,000 showed about 15 s after the last was stored, the page frozen
    // meanwhile; in batches, under 2 s (measured by hand, 2026-12-06). No
    // time is asserted here: the wait is generous, and the test checks that
    // every event of the burst is counted and the newest is on top.
    for (let b = 0; b < 10; b++) {
      await ingest(srv.url, Array.from({ length: 2_000 }, (_, i) => JSON.stringify({ '@timestamp': new Date().toISOString(), level: 'info', host: 'burst', message: `burst ${b} ${i}` })));
    }
    await waitForTotal(page, 20_001, 60_000);
    await page.waitForFunction(`document.querySelector('.results [data-index="0"] .message')?.textContent === 'burst 9 1999'`);
  });
});

describe('search page: a live tail the server ends resumes where the list is (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 90_000 }, () => {
  let srv: ServerHandle;
  let page: Page;
  let problems: string[];

  pageSuite({ seed, server: { configYaml: 'search: { tail_max_duration_s: 2 }\n' } }, (s) => ({ srv, page, problems } = s));

  test('a tail resumed after an event stamped far ahead starts where the list is: what was stored meanwhile is shown', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: Q, from: 'now-15m', to: 'now', live: '1' })}`);
    const total = await apiTotal(srv, Q, 'now-15m', 'now');
    await waitForTotal(page, total);
    await page.locator('[data-live="open"]').waitFor();
    await ingest(srv.url, [line('an hour ahead', Date.now() + 3_600_000)]);
    await page.locator('.outside[data-outside="1"]').waitFor();
    // The stream the page opens next is its resume after the server's end
    // (2 s): before it reaches the server, events are stored, so only the
    // position it resumes from brings them, as after any drop.
    const MEANWHILE = 20;
    let resumed = 0;
    await page.route(isTail, async (route) => {
      if (++resumed === 1) {
        const t0 = Date.now();
        await ingest(srv.url, Array.from({ length: MEANWHILE }, (_, i) => line(`meanwhile ${i}`, t0 + i)));
      }
      await route.continue();
    });
    await waitForTotal(page, total + MEANWHILE, 20_000);
    assert.ok(resumed >= 1);
    assert.equal(await page.locator('.outside').getAttribute('data-outside'), '1');
    assert.equal(await page.locator('.failure').count(), 0, 'an ordinary end shows no error');
    assert.deepEqual(problems, []);
    await page.unroute(isTail);
  });
});
