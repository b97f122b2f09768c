/**
 * "Lines around" from the keyboard, as a Kibana user closes a flyout: the
 * context dialog takes focus when it opens, keeps it from the page's `/`
 * shortcut, Tab does not leave it, Escape closes it, and focus goes back to
 * the button that opened it. Its title and Close stay in sight however far
 * it is scrolled.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { HAVE_CHROMIUM } from './browser.js';
import { ingest, type ServerHandle } from './harness.js';
import { apiTotal, waitForTotal, pageSuite, recentLines } from './ui-support.js';

describe('search page: context dialog and the keyboard (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 60_000 }, () => {
  let srv: ServerHandle;
  let page: Page;

  pageSuite({
    seed: (srv) => ingest(srv.url, recentLines(60, 10_000, (i) => ({ level: 'info', host: 'web-1', source: 'app', message: `line ${i}` }))),
  }, (s) => ({ srv, page } = s));

  const focused = () => page.evaluate(`document.activeElement?.textContent ?? ''`);

  test('opened from the keyboard: focus in the dialog, Escape closes it, focus back on "Lines around"', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from: 'now-1h', to: 'now' })}`);
    await waitForTotal(page, await apiTotal(srv, '', 'now-1h', 'now'));
    const row = page.locator('.results [data-index="5"]');
    await row.focus();
    await page.keyboard.press('Enter');
    const open = row.getByRole('button', { name: 'Lines around' });
    await open.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Context' });
    await dialog.locator('li[aria-current="true"]').waitFor();
    assert.equal(await focused(), 'Close', 'focus moved into the dialog');
    // `/` (focus the query bar) does not reach behind the open dialog.
    await page.keyboard.press('/');
    assert.equal(await focused(), 'Close', '`/` left focus in the dialog');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await focused(), 'Lines around', 'focus back where it was');

    // Opened with the mouse, Escape closes it too.
    await open.click();
    await dialog.locator('li[aria-current="true"]').waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  test('Escape in an open row closes it (from its buttons too) and leaves focus on the row; arrows go on from there', async () => {
    const row = page.locator('.results [data-index="5"]');
    assert.equal(await row.getAttribute('aria-expanded'), 'true');
    await row.getByRole('button', { name: 'Lines around' }).focus();
    await page.keyboard.press('Escape');
    assert.equal(await row.getAttribute('aria-expanded'), 'false');
    assert.equal(await page.evaluate('document.activeElement?.dataset.index'), '5');
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.evaluate('document.activeElement?.dataset.index'), '6');
  });

  test('Tab stays in the dialog, and its title and Close stay in sight while it is scrolled to the anchor', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from: 'now-1h', to: 'now' })}`);
    await waitForTotal(page, await apiTotal(srv, '', 'now-1h', 'now'));
    const row = page.locator('.results [data-index="30"]');
    await row.locator('.message').click();
    await row.getByRole('button', { name: 'Lines around' }).click();
    const dialog = page.getByRole('dialog', { name: 'Context' });
    await dialog.locator('li[aria-current="true"]').waitFor();
    assert.equal(await focused(), 'Close');
    // Tab left for the page under the overlay (the body, then the brand link).
    for (const key of ['Tab', 'Tab', 'Shift+Tab']) {
      await page.keyboard.press(key);
      assert.equal(await focused(), 'Close', `after ${key}`);
    }
    // Centred on its anchor, the dialog is scrolled; its head is still in it.
    assert.ok(await dialog.evaluate((el) => el.scrollTop > 0), 'the dialog scrolled to the anchor');
    const box = (await dialog.boundingBox())!;
    const close = (await dialog.getByRole('button', { name: 'Close' }).boundingBox())!;
    assert.ok(close.y >= box.y && close.y + close.height <= box.y + box.height, `Close at ${close.y} in the dialog at ${box.y}..${box.y + box.height}`);
    assert.equal(await page.evaluate(`document.elementFromPoint(${close.x + close.width / 2}, ${close.y + close.height / 2})?.textContent`), 'Close', 'nothing drawn over Close');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  test('the History menu closes on Escape and on a click outside it, as the time picker does', async () => {
    for (const q of ['level:info', 'host:web-1']) {
      await page.goto(`${srv.url}/?${new URLSearchParams({ q, from: 'now-1h', to: 'now' })}`);
      await waitForTotal(page, await apiTotal(srv, q, 'now-1h', 'now'));
    }
    const menu = page.locator('details.history');
    await menu.locator('summary').click();
    assert.equal(await menu.getAttribute('open'), '');
    await page.keyboard.press('Escape');
    assert.equal(await menu.getAttribute('open'), null, 'Escape closed it');
    assert.equal(await focused(), 'History', 'focus on its summary');
    await menu.locator('summary').click();
    await page.locator('.summary').click();
    assert.equal(await menu.getAttribute('open'), null, 'a click outside closed it');
  });
});
