/**
 * The page at phone width. The field list sat open under the results and
 * took a third of the screen, leaving the results a strip of about 280 px
 * of 844. It now folds under a "Fields (N)" toggle there; open, it is the
 * same list (top values, filters).
 *
 * The time picker's panel opened right-aligned to the range button, which
 * sits at the left of its row on a phone: a third of the panel (quick
 * ranges, the From field) was off the screen's left edge.
 *
 * The header took four rows (Alerts alone on the third, the query under
 * it) and cut an absolute range to "2026-12-06 11:…"; it is three now, the
 * range wrapping onto a second line.
 *
 * The summary above the results (hits, time taken, live's rate, events
 * left out) was one row that squeezed each part to a word a line; it wraps
 * by parts now.
 *
 * A row's origin (host · source · logger) with a file source's path ran
 * past the screen's right edge, cut mid-word with no ellipsis; it ends
 * inside its row now, cut with one, whole in its title.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { HAVE_CHROMIUM } from './browser.js';
import { ingest, type ServerHandle } from './harness.js';
import { waitForTotal, pageSuite, recentLines } from './ui-support.js';

describe('search page: phone width (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 60_000 }, () => {
  let srv: ServerHandle;
  let page: Page;

  pageSuite({
    viewport: { width: 390, height: 844 },
    seed: (srv) => ingest(srv.url, recentLines(80, 20_000, (i) => ({ level: i % 5 ? 'info' : 'error', host: `web-${i % 2}`, status: 200, message: `line ${i}` }))),
  }, (s) => ({ srv, page } = s));

  test('the results get most of the height; the fields open from their toggle and filter as on a wide screen', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from: 'now-1h', to: 'now' })}`);
    await waitForTotal(page, 80);
    const results = (await page.locator('.results').boundingBox())!;
    assert.ok(results.height >= 844 * 0.5, `results ${results.height}px high of 844`);
    assert.equal(await page.locator('.sidebar li[data-field]').first().isVisible(), false);
    const toggle = page.getByRole('button', { name: /^▸ Fields/ });
    await toggle.waitFor();
    assert.match(await toggle.innerText(), /Fields \(\d+\)/);
    await toggle.click();
    const host = page.locator('.sidebar li[data-field="host"]');
    await host.getByRole('button', { name: 'host', exact: true }).click();
    await host.getByRole('button', { name: 'web-1', exact: true }).click();
    await page.waitForFunction(`new URL(location.href).searchParams.get('q') === 'host:"web-1"'`);
    await waitForTotal(page, 40);
  });

  test('the time picker\'s panel opens inside the screen', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from: 'now-1h', to: 'now' })}`);
    await waitForTotal(page, 80);
    await page.locator('.time-picker .range').click();
    const panel = (await page.locator('.picker-panel').boundingBox())!;
    assert.ok(panel.x >= 0 && panel.x + panel.width <= 390, `panel from x=${panel.x} to ${panel.x + panel.width} of 390`);
    await page.getByRole('button', { name: 'Last 6 hours', exact: true }).click();
    await page.waitForFunction(`new URL(location.href).searchParams.get('from') === 'now-6h'`);
  });

  test('the header in three rows: brand, Live and Alerts; the whole time range; the query and Search', async () => {
    const end = Math.floor((Date.now() - 60_000) / 1000) * 1000;
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from: new Date(end - 30 * 60_000).toISOString(), to: new Date(end).toISOString() })}`);
    await page.locator('.total[data-total]:not([data-total=""])').waitFor();
    const rows = (await page.evaluate(`(() => {
      const middle = (sel) => { const r = document.querySelector('.top ' + sel).getBoundingClientRect(); return Math.round(r.top + r.height / 2); };
      const range = document.querySelector('.time-picker .range');
      return {
        brand: middle('.brand'), live: middle('.live'), alerts: middle('.alerts-button'),
        range: middle('.time-picker'), query: middle('.query-bar'), search: middle('.primary'),
        cut: range.scrollWidth > range.clientWidth || range.scrollHeight > range.clientHeight,
      };
    })()`)) as Record<string, number | boolean>;
    assert.equal(rows.live, rows.brand, JSON.stringify(rows));
    assert.equal(rows.alerts, rows.brand, JSON.stringify(rows));
    assert.equal(rows.search, rows.query, JSON.stringify(rows));
    assert.ok((rows.brand as number) < (rows.range as number) && (rows.range as number) < (rows.query as number), JSON.stringify(rows));
    assert.equal(rows.cut, false, 'the absolute range shown whole');
  });
  test('the summary live: each of its parts on one line, wrapping as a whole rather than a word a line', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from: 'now-1h', to: 'now', live: '1' })}`);
    await waitForTotal(page, 80);
    await page.locator('[data-live="open"]').waitFor();
    // Stamped two hours ahead: "N outside the range" joins the summary.
    await ingest(srv.url, [JSON.stringify({ '@timestamp': new Date(Date.now() + 7_200_000).toISOString(), level: 'info', host: 'web-1', message: 'ahead' })]);
    await page.locator('.outside').waitFor();
    for (const part of ['.total', '.summary > .muted', '.rate', '.outside']) {
      const box = (await page.locator(part).first().boundingBox())!;
      // 13 px text: one line is under 20 px high ("80 hits" took two lines, "· live, …" three, before).
      assert.ok(box.height < 20, `${part} ${box.height}px high: ${JSON.stringify(await page.locator(part).first().innerText())}`);
    }
  });

  // Last: its event joins the page's unfiltered totals that the tests above count.
  test('an origin wider than the screen (a file source\'s path) ends inside its row, cut with an ellipsis, whole in its title', async () => {
    const source = '/var/log/containers/checkout-7d9f8b-abcde_shop_app-0123456789abcdef.log';
    await ingest(srv.url, recentLines(1, 1, () => ({ level: 'error', host: 'web-path', source, logger: 'orders', message: 'from a file' })));
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: 'host:web-path', from: 'now-1h', to: 'now' })}`);
    await waitForTotal(page, 1);
    const origin = page.locator('.results [data-index="0"] .origin');
    assert.equal(await origin.getAttribute('title'), `web-path · ${source} · orders`);
    const box = (await page.evaluate(`(() => {
      const o = document.querySelector('.results [data-index="0"] .origin');
      const row = o.closest('.row').getBoundingClientRect();
      const r = o.getBoundingClientRect();
      return { right: r.right, rowRight: row.right, viewport: document.documentElement.clientWidth, cut: o.scrollWidth > o.clientWidth, ellipsis: getComputedStyle(o).textOverflow };
    })()`)) as { right: number; rowRight: number; viewport: number; cut: boolean; ellipsis: string };
    assert.ok(box.right <= box.rowRight && box.right <= box.viewport, JSON.stringify(box));
    assert.equal(box.cut, true, 'cut short on screen');
    assert.equal(box.ellipsis, 'ellipsis');
  });
});
