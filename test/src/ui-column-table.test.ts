/**
 * Fields shown as columns make the results a table, as Kibana Discover's
 * document table: a header (Time, the columns, message), each value in a
 * cell under its header, a column removed or moved from its header. They
 * were `status=200 path=/api/cart duration_ms=116` text before each
 * message: no header, nothing aligned, and a column went only from the
 * sidebar. With no column chosen the list is as before.
 *
 * The table keeps what the list does: virtualized scrolling, ↑/↓ between
 * rows, Enter opening a row, filter for from the opened row.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { HAVE_CHROMIUM, screenshot } from './browser.js';
import { ingest, type ServerHandle } from './harness.js';
import { pageSuite, recentLines, urlParams, waitForQuery, waitForTotal } from './ui-support.js';

const COUNT = 300;
const PATHS = ['/api/cart', '/api/search', '/healthz', '/api/orders/42/items?expand=all&page=1&size=100&sort=created_at', '/'];

/** Each chosen column's header cell and its cells in the rows in the page: their left and right edges. */
async function edges(page: Page): Promise<{ col: string; head: [number, number]; cells: [number, number][] }[]> {
  return (await page.evaluate(`(() => [...document.querySelectorAll('.table-head .th[data-col]')].map((th) => {
    const col = th.dataset.col;
    const box = (el) => { const r = el.getBoundingClientRect(); return [Math.round(r.left), Math.round(r.right)]; };
    return { col, head: box(th), cells: [...document.querySelectorAll('.results .col[data-col="' + col + '"]')].map(box) };
  }))()`)) as { col: string; head: [number, number]; cells: [number, number][] }[];
}

/** In a dialog: its header's column names, whether the header has buttons, and each row's cells (text, left and right edges) against the header's. */
async function dialogTable(page: Page, dialog: string) {
  return (await page.evaluate(`(() => {
    const d = document.querySelector('[role=dialog][aria-label="${dialog}"]');
    const box = (el) => { const r = el.getBoundingClientRect(); return [Math.round(r.left), Math.round(r.right)]; };
    return {
      names: [...d.querySelectorAll('.table-head .th-name')].map((el) => el.textContent),
      buttons: d.querySelectorAll('.table-head button').length,
      cols: [...d.querySelectorAll('.table-head .th[data-col]')].map((th) => ({
        head: box(th),
        cells: [...d.querySelectorAll('.table-line > .col[data-col="' + th.dataset.col + '"]')].map((c) => ({ text: c.textContent, box: box(c) })),
      })),
    };
  })()`)) as { names: string[]; buttons: number; cols: { head: [number, number]; cells: { text: string; box: [number, number] }[] }[] };
}

describe('search page: chosen columns as a table (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 120_000 }, () => {
  let srv: ServerHandle;
  let page: Page;
  let problems: string[] = [];

  pageSuite({
    viewport: { width: 1440, height: 900 },
    seed: (srv) => ingest(srv.url, recentLines(COUNT, 2_000, (i) => ({
      level: i % 7 === 0 ? 'error' : 'info', host: 'web-1', source: '/var/log/nginx/access.log',
      status: i % 7 === 0 ? 502 : 200, path: PATHS[i % PATHS.length], duration_ms: (i * 37) % 900,
      message: `GET ${PATHS[i % PATHS.length]} HTTP/1.1 ${i % 7 === 0 ? 502 : 200} row ${i}`,
    }))),
  }, (s) => ({ srv, page, problems } = s));

  const open = async (cols: string) => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from: 'now-1h', to: 'now', ...(cols ? { cols } : {}) })}`);
    await waitForTotal(page, COUNT);
  };

  test('a header row, and each value in a cell under its column\'s header', async () => {
    await open('status,path,duration_ms');
    const head = page.getByRole('group', { name: 'Columns' });
    assert.deepEqual(await head.locator('.th-name').allInnerTexts(), ['Time', 'status', 'path', 'duration_ms', 'message']);
    const row = page.locator('.results [data-index="0"]');
    // A cell holds the value alone: no `status=` before it.
    assert.equal(await row.locator('.col[data-col="status"]').innerText(), '502');
    assert.equal(await row.locator('.col[data-col="path"]').innerText(), PATHS[0]);
    const cols = await edges(page);
    assert.deepEqual(cols.map((c) => c.col), ['status', 'path', 'duration_ms']);
    for (const c of cols) {
      assert.ok(c.cells.length >= 20, `${c.col}: ${c.cells.length} cells`);
      for (const cell of c.cells) assert.deepEqual(cell, c.head, `${c.col}'s cells under its header`);
    }
    // Fitted: status a few characters wide, the long path cut at its cap (whole on hover), the message the rest.
    const [status, path] = cols;
    assert.ok(status!.head[1] - status!.head[0] < 100, `status ${status!.head[1] - status!.head[0]}px wide`);
    const long = page.locator('.results .col[data-col="path"]', { hasText: '/api/orders/42' }).first();
    assert.equal(await long.getAttribute('title'), PATHS[3]);
    assert.ok(await long.evaluate((el) => el.scrollWidth > el.clientWidth), 'the long path is cut (an ellipsis)');
    assert.ok(path!.head[1] - path!.head[0] < 400);
    const m = await row.locator('.message').boundingBox();
    assert.ok(m && m.width >= 400, `message ${m?.width}px wide`);
    const list = await page.evaluate(`(() => { const l = document.querySelector('.results'); return l.scrollWidth - l.clientWidth; })()`);
    assert.ok((list as number) <= 0, `the list scrolls ${String(list)}px sideways`);
    await screenshot(page, 'column-table');
    assert.deepEqual(problems, []);
  });

  test('a column moved and removed from its header; the last one removed gives the list back', async () => {
    await open('status,path,duration_ms');
    const head = page.getByRole('group', { name: 'Columns' });
    await head.locator('.th[data-col="duration_ms"]').hover();
    await screenshot(page, 'column-table-header');
    await head.getByRole('button', { name: 'Move duration_ms left' }).click();
    await page.waitForFunction(`new URL(location.href).searchParams.get('cols') === 'status,duration_ms,path'`);
    assert.deepEqual(await head.locator('.th-name').allInnerTexts(), ['Time', 'status', 'duration_ms', 'path', 'message']);
    assert.equal(await head.getByRole('button', { name: 'Move status left' }).isDisabled(), true);
    assert.equal(await head.getByRole('button', { name: 'Move path right' }).isDisabled(), true);
    for (const c of await edges(page)) for (const cell of c.cells) assert.deepEqual(cell, c.head, `${c.col} after the move`);

    await head.locator('.th[data-col="status"]').hover();
    await head.getByRole('button', { name: 'Remove column status' }).click();
    await page.waitForFunction(`new URL(location.href).searchParams.get('cols') === 'duration_ms,path'`);
    assert.equal(await page.locator('.results .col[data-col="status"]').count(), 0);
    // The sidebar's ⊞ says so too.
    assert.equal(await page.locator('.sidebar [aria-label="Column status"]').getAttribute('aria-pressed'), 'false');
    // Tab reaches a header's buttons without a mouse: they show while focused.
    await head.getByRole('button', { name: 'Remove column duration_ms' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(`new URL(location.href).searchParams.get('cols') === 'path'`);
    await head.locator('.th[data-col="path"]').hover();
    await head.getByRole('button', { name: 'Remove column path' }).click();
    await page.waitForFunction(`!new URL(location.href).searchParams.has('cols')`);
    assert.equal(await page.locator('.table-head').count(), 0);
    // The list as it is without columns: level and origin on each line.
    assert.equal(await page.locator('.results [data-index="0"] .origin').innerText(), 'web-1 · access.log');
    assert.deepEqual(problems, []);
  });

  test('the table scrolls virtualized, rows stay aligned; ↓ and Enter work, and filter for from an opened row', async () => {
    await open('status,path');
    const first = page.locator('.results [data-index="0"]');
    await first.focus();
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.evaluate(`document.activeElement?.dataset.index`), '1');
    await page.keyboard.press('Enter');
    const opened = page.locator('.results [data-index="1"]');
    assert.equal(await opened.getAttribute('aria-expanded'), 'true');
    await opened.locator('.detail').waitFor();
    // The opened row's cells still line up with the header.
    for (const c of await edges(page)) for (const cell of c.cells) assert.deepEqual(cell, c.head, `${c.col} with a row open`);
    await page.keyboard.press('Escape');
    assert.equal(await opened.getAttribute('aria-expanded'), 'false');

    // End goes to the last loaded row: the list scrolled far down, only rows near it in the page.
    await page.keyboard.press('End');
    await page.waitForFunction(`Number(document.activeElement?.dataset.index) > 50`);
    const inPage = await page.locator('.results [data-event-id]').count();
    const loaded = Number(await page.evaluate(`document.activeElement.dataset.index`)) + 1;
    assert.ok(inPage < loaded, `${inPage} rows in the page of ${loaded} loaded`);
    const focused = page.locator('.results [data-event-id]:focus');
    const box = await focused.boundingBox();
    const view = await page.locator('.results').boundingBox();
    assert.ok(box && view && box.y >= view.y && box.y + box.height <= view.y + view.height + 1, `the focused row is in sight: ${JSON.stringify([box, view])}`);
    for (const c of await edges(page)) for (const cell of c.cells) assert.deepEqual(cell, c.head, `${c.col} scrolled down`);

    await page.keyboard.press('Enter');
    await focused.locator('.detail').waitFor();
    const status = await focused.locator('.col[data-col="status"]').innerText();
    await focused.getByRole('button', { name: 'Filter for status' }).click();
    await waitForQuery(page, `status:${status}`);
    assert.equal(urlParams(page).get('cols'), 'status,path', 'the columns stay');
    await page.locator('.table-head').waitFor();
    assert.deepEqual(problems, []);
  });

  test('the one-event dialog of a link and "Lines around" show the columns as the table does', async () => {
    await open('status,path');
    const row = page.locator('.results [data-index="3"]');
    const id = (await row.getAttribute('data-event-id'))!;
    const at = (await row.locator('time').getAttribute('datetime'))!;
    const status = await row.locator('.col[data-col="status"]').innerText();
    const path = await row.locator('.col[data-col="path"]').innerText();
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from: 'now-1h', to: 'now', cols: 'status,path', event: id, at })}`);
    await page.getByRole('dialog', { name: 'Event' }).locator(`[data-event-id="${id}"]`).waitFor();
    // Was `status=200 path=/healthz` text, no header, beside level and origin.
    const single = await dialogTable(page, 'Event');
    assert.deepEqual(single.names, ['Time', 'status', 'path', 'message']);
    assert.equal(single.buttons, 0, 'only shown here: no move or remove');
    assert.deepEqual(single.cols.map((c) => c.cells.map((x) => x.text)), [[status], [path]]);
    for (const c of single.cols) for (const cell of c.cells) assert.deepEqual(cell.box, c.head, 'the cell under its header');
    await screenshot(page, 'column-table-event-dialog');
    await page.getByRole('dialog', { name: 'Event' }).getByRole('button', { name: 'Lines around' }).click();
    const context = page.getByRole('dialog', { name: 'Context' });
    await context.locator('.anchor').waitFor();
    const around = await dialogTable(page, 'Context');
    assert.deepEqual(around.names, ['Time', 'status', 'path', 'message']);
    assert.equal(around.buttons, 0);
    const rows = await context.locator('.context-rows > li').count();
    assert.ok(rows > 5, `${rows} lines around`);
    for (const c of around.cols) {
      assert.equal(c.cells.length, rows, 'a cell in each line');
      for (const cell of c.cells) assert.deepEqual(cell.box, c.head, 'each cell under its header');
    }
    assert.equal(await context.locator('.anchor .col[data-col="status"]').innerText(), status);
    await screenshot(page, 'column-table-context');
    assert.deepEqual(problems, []);
  });
  // Its header scrolled away with the rows: only the title stayed (as the results' header stays over theirs).
  test('"Lines around" keeps its columns\' header at the top of its box as its rows scroll', async () => {
    await page.setViewportSize({ width: 1440, height: 600 });
    await open('status,path');
    await page.locator('.results [data-index="3"]').click();
    await page.locator('.results [data-index="3"] .detail').getByRole('button', { name: 'Lines around' }).click();
    const context = page.getByRole('dialog', { name: 'Context' });
    await context.locator('.anchor').waitFor();
    const read = () => page.evaluate(`(() => {
      const d = document.querySelector('[role=dialog][aria-label="Context"]');
      const box = d.getBoundingClientRect();
      const head = d.querySelector('.table-head').getBoundingClientRect();
      const title = d.querySelector('.dialog-head').getBoundingClientRect();
      const hit = document.elementFromPoint(head.left + 40, head.top + head.height / 2);
      return { scrollTop: d.scrollTop, top: box.top + d.clientTop, headTop: head.top, titleBottom: title.bottom, onTop: hit !== null && hit.closest('.table-head') !== null };
    })()`) as Promise<{ scrollTop: number; top: number; headTop: number; titleBottom: number; onTop: boolean }>;
    const seen: string[] = [];
    for (const where of ['centred on its line', 'at the end', 'half way']) {
      if (where === 'at the end') await context.evaluate((d) => { d.scrollTop = d.scrollHeight; });
      if (where === 'half way') await context.evaluate((d) => { d.scrollTop = d.scrollHeight / 2; });
      await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
      const r = await read();
      assert.ok(where === 'centred on its line' || r.scrollTop > 0, `${where}: the lines scroll (${r.scrollTop})`);
      if (Math.abs(r.headTop - r.titleBottom) > 1 || r.headTop < r.top - 1 || !r.onTop) seen.push(`${where} (scrollTop ${r.scrollTop}): header top ${r.headTop}, title bottom ${r.titleBottom}, box top ${r.top}, drawn over the rows ${r.onTop}`);
    }
    assert.deepEqual(seen, [], 'the header right under the title, over the rows, wherever they are scrolled');
    await screenshot(page, 'column-table-context-scrolled');
    await page.setViewportSize({ width: 1440, height: 900 });
    assert.deepEqual(problems, []);
  });
});
