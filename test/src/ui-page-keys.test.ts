/**
 * Moving through the results by keyboard keeps the focused row whole in
 * sight.
 *
 * Page Down and Page Up, as in any list or grid: they were
 * the browser's: the list scrolled under the focused row, which left the
 * page once out of sight (only rows near the viewport are in it), so the
 * second press scrolled nothing and ↓ moved nothing, focus being on the
 * page's body. Now they move focus a list's height, the row kept in sight.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { HAVE_CHROMIUM } from './browser.js';
import { ingest, type ServerHandle } from './harness.js';
import { pageSuite, recentLines, waitForTotal } from './ui-support.js';

const EVENTS = 300;

describe('search page: moving through the results by keyboard (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 60_000 }, () => {
  let srv: ServerHandle;
  let page: Page;
  let problems: string[] = [];

  pageSuite({
    seed: (srv) => ingest(srv.url, recentLines(EVENTS, 5_000, (i) => ({ level: 'info', host: 'web-1', message: `line ${i}` }))),
  }, (s) => ({ srv, page, problems } = s));

  /** The focused row's index, and whether it is inside the list's visible box. */
  const focus = async (): Promise<{ index: number | null; inSight: boolean }> => (await page.evaluate(`(() => {
    const el = document.activeElement;
    const box = document.querySelector('.results').getBoundingClientRect();
    const r = el.getBoundingClientRect();
    return { index: el.dataset.index === undefined ? null : Number(el.dataset.index), inSight: r.top >= box.top - 1 && r.bottom <= box.bottom + 1 };
  })()`)) as { index: number | null; inSight: boolean };

  test('↑ far down the list brings the row whole into sight', async () => {
    // Rows are 24.5 px high; measured rounded (25), the offsets ran ahead of
    // the rows by half a pixel a row, and ↑ scrolled a row's top out of sight.
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from: 'now-1h', to: 'now' })}`);
    await waitForTotal(page, EVENTS);
    await page.locator('.results [data-index="0"]').focus();
    for (let k = 0; k < 80; k++) await page.keyboard.press('ArrowDown');
    await page.waitForFunction(`document.activeElement?.dataset.index === '80'`, undefined, { timeout: 5_000 });
    const out: string[] = [];
    for (let k = 79; k >= 50; k--) {
      await page.keyboard.press('ArrowUp');
      await page.waitForFunction(`document.activeElement?.dataset.index === '${k}'`, undefined, { timeout: 5_000 });
      const f = await focus();
      if (!f.inSight) out.push(`row ${k}`);
    }
    assert.deepEqual(out, [], 'rows focused by ↑ but not whole in sight');
    assert.deepEqual(problems, []);
  });

  test('each Page Down moves focus on by about a list\'s height, in sight; Page Up comes back; ↓ goes on from there', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from: 'now-1h', to: 'now' })}`);
    await waitForTotal(page, EVENTS);
    await page.locator('.results [data-index="0"]').focus();
    const perPage = await page.evaluate(`Math.floor(document.querySelector('.results').clientHeight / document.querySelector('.results [data-index="0"]').offsetHeight)`) as number;
    assert.ok(perPage >= 5, `${perPage} rows in sight`);
    const seen: number[] = [0];
    for (let k = 0; k < 5; k++) {
      await page.keyboard.press('PageDown');
      await page.waitForFunction(`document.activeElement?.dataset.index !== '${seen.at(-1)}'`, undefined, { timeout: 5_000 });
      const f = await focus();
      assert.ok(f.index !== null, `focus on a row after Page Down ${k + 1}, not on the page (${JSON.stringify(seen)})`);
      assert.ok(f.inSight, `row ${f.index} in sight`);
      // A page on: the last row in sight, then a list's height each time.
      assert.ok(f.index - seen.at(-1)! >= perPage - 2 && f.index - seen.at(-1)! <= perPage + 1, `Page Down from ${seen.at(-1)} to ${f.index} (${perPage} rows a page)`);
      seen.push(f.index);
    }
    await page.keyboard.press('PageUp');
    await page.waitForFunction(`document.activeElement?.dataset.index !== '${seen.at(-1)}'`, undefined, { timeout: 5_000 });
    const up = await focus();
    assert.ok(up.index !== null && up.inSight && up.index < seen.at(-1)! && up.index >= seen.at(-1)! - perPage - 1, JSON.stringify({ up, seen }));
    await page.keyboard.press('ArrowDown');
    assert.equal((await focus()).index, up.index + 1);
    assert.deepEqual(problems, []);
  });
});
