/**
 * Keyboard navigation after scrolling with the mouse, as in Kibana's
 * Discover: a row focused (clicked), the wheel scrolls the list far past
 * it, and ↓ goes on from that row. The virtualized list unmounted the
 * focused row once out of view, focus fell to the page's body and ↑/↓ did
 * nothing until a row was clicked again.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { HAVE_CHROMIUM } from './browser.js';
import { ingest, type ServerHandle } from './harness.js';
import { pageSuite, recentLines, waitForTotal } from './ui-support.js';

const COUNT = 200;

describe('search page: focus survives scrolling with the wheel (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 60_000 }, () => {
  let srv: ServerHandle;
  let page: Page;

  pageSuite({
    seed: (srv) => ingest(srv.url, recentLines(COUNT, 10_000, (i) => ({ level: 'info', host: 'web-1', message: `line ${i}` }))),
  }, (s) => ({ srv, page } = s));

  const focusedIndex = () => page.evaluate(`document.activeElement?.dataset?.index ?? document.activeElement?.tagName`);
  /** The smallest and largest row index in the page. */
  const rendered = () => page.$$eval('.results [data-index]', (els) => els.map((e) => Number(e.getAttribute('data-index'))));
  /** Whether row `i` is within the list's visible box. */
  const inView = (i: number) => page.evaluate(`(() => {
    const list = document.querySelector('.results').getBoundingClientRect();
    const r = document.querySelector('.results [data-index="${i}"]')?.getBoundingClientRect();
    return !!r && r.top >= list.top - 1 && r.bottom <= list.bottom + 1;
  })()`);

  async function wheelUntil(deltaY: number, done: string): Promise<void> {
    const box = (await page.locator('.results').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    for (let k = 0; k < 40 && !(await page.evaluate(done)); k++) {
      await page.mouse.wheel(0, deltaY);
      await page.waitForFunction(`document.querySelector('.results').dataset.wheel !== String(document.querySelector('.results').scrollTop)`, undefined, { timeout: 500 }).catch(() => undefined);
      await page.evaluate(`document.querySelector('.results').dataset.wheel = String(document.querySelector('.results').scrollTop)`);
    }
    await page.waitForFunction(done);
  }

  test('a row focused, the wheel far down: ↓ moves to the next row, in view; far up again: ↑ the same', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from: 'now-1h', to: 'now' })}`);
    await waitForTotal(page, COUNT);
    await page.locator('.results [data-index="2"] .message, .results [data-index="2"]').first().click({ position: { x: 5, y: 5 } });
    // A click opens the row; Escape closes it, focus on the row.
    await page.keyboard.press('Escape');
    assert.equal(await focusedIndex(), '2');

    // Far enough that row 2 is well outside the rows kept around the view.
    await wheelUntil(600, `document.querySelector('.results [data-index="120"]') !== null`);
    assert.ok(Math.min(...(await rendered()).filter((i) => i !== 2)) > 20, 'the rows near row 2 left the page');
    assert.equal(await focusedIndex(), '2', 'focus stays on the row scrolled away');
    await page.keyboard.press('ArrowDown');
    await page.waitForFunction(`document.activeElement?.dataset?.index === '3'`);
    assert.ok(await inView(3), 'the row moved to is in view');

    await page.keyboard.press('End');
    await page.waitForFunction(`document.activeElement?.dataset?.index === '${COUNT - 1}'`);
    await wheelUntil(-600, `document.querySelector('.results').scrollTop === 0`);
    assert.ok(Math.max(...(await rendered()).filter((i) => i !== COUNT - 1)) < COUNT - 20);
    assert.equal(await focusedIndex(), String(COUNT - 1));
    await page.keyboard.press('ArrowUp');
    await page.waitForFunction(`document.activeElement?.dataset?.index === '${COUNT - 2}'`);
    assert.ok(await inView(COUNT - 2));
  });
});
