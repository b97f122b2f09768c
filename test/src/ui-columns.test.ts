/**
 * Fields shown as columns (`cols=`) with long values, as a Kibana user adds
 * user_agent, url and trace.id to the table. Each column took its whole
 * value on one line: four of them pushed the row past the list's width (a
 * sideways scroll) and squeezed the message to a character a line, each row
 * ten lines high. Now a column is cut at 40 characters (whole on hover, and
 * in the open row), and the message keeps a readable width, going under the
 * columns when they leave it too little.
 *
 * A column an event lacks read `status=`, as an empty value did: now – (as
 * Kibana's "-") and (empty) for the empty value, as the open row says.
 * Chosen columns make the list a table (ui-column-table.test.ts); these
 * hold in it.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { HAVE_CHROMIUM } from './browser.js';
import { ingest, type ServerHandle } from './harness.js';
import { waitForTotal, pageSuite, recentLines } from './ui-support.js';

const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36';

describe('search page: long values as columns (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 60_000 }, () => {
  let srv: ServerHandle;
  let page: Page;

  pageSuite({
    seed: (srv) => ingest(srv.url, recentLines(20, 30_000, (i) => ({
      level: 'info', host: 'web-1', user_agent: UA, path: `/api/v1/orders/12345/items/67890?expand=all&page=${i}`,
      trace_id: 'abcdef0123456789abcdef0123456789', status: 200, message: `request handled in ${i} ms`,
    }))),
  }, (s) => ({ srv, page } = s));

  test('four long columns: no sideways scroll, the message readable, each row a line or two', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from: 'now-1h', to: 'now', cols: 'user_agent,path,trace_id,status' })}`);
    await waitForTotal(page, 20);
    const m = (await page.evaluate(`(() => {
      const list = document.querySelector('.results');
      const row = list.querySelector('[data-index="0"]');
      return {
        scroll: list.scrollWidth - list.clientWidth,
        message: row.querySelector('.message').getBoundingClientRect().width,
        row: row.getBoundingClientRect().height,
        line: parseFloat(getComputedStyle(row.querySelector('.message')).lineHeight) || 18,
      };
    })()`)) as { scroll: number; message: number; row: number; line: number };
    assert.ok(m.scroll <= 0, `the list scrolls ${m.scroll}px sideways`);
    assert.ok(m.message >= 200, `message ${m.message}px wide`);
    assert.ok(m.row <= 2 * m.line + 12, `row ${m.row}px high for ${m.line}px lines`);
    // Cut, the value is whole on hover.
    const ua = page.locator('.results [data-index="0"] .col[data-col="user_agent"]');
    assert.equal(await ua.getAttribute('title'), UA);
  });

  test('a column the event lacks reads –, an empty value (empty)', async () => {
    // The newest has an empty status, the other none.
    await ingest(srv.url, recentLines(2, 1_000, (i) => ({ level: 'info', host: 'web-9', message: `gap ${i}`, ...(i === 0 ? { status: '' } : {}) })));
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: 'host:web-9', from: 'now-1h', to: 'now', cols: 'status' })}`);
    await waitForTotal(page, 2);
    const cells = page.locator('.results .col[data-col="status"]');
    // In the table's status column (ui-column-table.test.ts), the name is its header's.
    assert.deepEqual(await cells.allInnerTexts(), ['(empty)', '–']);
    assert.deepEqual(await page.locator('.table-head .th[data-col="status"] .th-name').innerText(), 'status');
    assert.equal(await cells.nth(1).getAttribute('title'), 'No status');
  });
});
