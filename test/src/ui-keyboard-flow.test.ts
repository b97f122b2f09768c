/**
 * The page by keyboard alone, as a Kibana or Grafana user on a laptop
 * would: `/` to the query, type, Enter, then on to the rows. From the query
 * bar the rows were past every header button, saved query, field and
 * field button by Tab (over 20 stops with a handful of fields, hundreds
 * with journald's). Now ↓ from the bar (no completion open) goes to the
 * first row; `/` goes back.
 *
 * Enter with the completion list open (nothing picked in it) ran the query
 * and left the list open over the page: ↓ then moved in the list, and `j`
 * typed into the query instead of moving in the rows. Running closes it.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { HAVE_CHROMIUM } from './browser.js';
import { ingest, type ServerHandle } from './harness.js';
import { apiTotal, waitForTotal, pageSuite, recentLines } from './ui-support.js';

describe('search page: from the query bar to the rows by keyboard (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 60_000 }, () => {
  let srv: ServerHandle;
  let page: Page;

  pageSuite({
    seed: (srv) => ingest(srv.url, recentLines(30, 30_000, (i) => ({ level: i % 3 ? 'info' : 'error', host: 'web-1', message: `line ${i}` }))),
  }, (s) => ({ srv, page } = s));

  const focused = () => page.evaluate(`document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.dataset.index ?? null`);

  test('/ , a query, Enter, ↓: the first row has focus; j and Enter open the next; / goes back to the bar', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from: 'now-1h', to: 'now' })}`);
    await waitForTotal(page, 30);
    await page.keyboard.press('/');
    assert.equal(await focused(), 'Query');
    await page.keyboard.type('level:error');
    await page.keyboard.press('Escape'); // the completion list, if open
    await page.keyboard.press('Enter');
    await waitForTotal(page, await apiTotal(srv, 'level:error', 'now-1h', 'now'));
    await page.keyboard.press('ArrowDown');
    assert.equal(await focused(), '0');
    await page.keyboard.press('j');
    assert.equal(await focused(), '1');
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('.results [data-index="1"]').getAttribute('aria-expanded'), 'true');
    await page.keyboard.press('/');
    assert.equal(await focused(), 'Query');
  });

  test('/ from an open row\'s buttons goes to the query bar, and the row stays open', async () => {
    // The open row's detail swallowed every key but Escape: `/` did nothing there.
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from: 'now-1h', to: 'now' })}`);
    await waitForTotal(page, 30);
    await page.locator('.results [data-index="0"]').focus();
    await page.keyboard.press('Enter');
    const row = page.locator('.results [data-index="0"]');
    assert.equal(await row.getAttribute('aria-expanded'), 'true');
    await row.getByRole('button', { name: 'Lines around' }).focus();
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.evaluate('document.activeElement?.textContent'), 'Lines around', 'arrows on a button are not the rows\'');
    await page.keyboard.press('/');
    assert.equal(await focused(), 'Query');
    assert.equal(await row.getAttribute('aria-expanded'), 'true');
    await row.getByRole('button', { name: 'Copy JSON' }).focus();
    await page.keyboard.press('/');
    assert.equal(await focused(), 'Query');
  });

  test('with the completion list open, ↓ moves in the list, not to the rows', async () => {
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('hos');
    await page.locator('.cm-tooltip-autocomplete').waitFor();
    await page.waitForTimeout(150); // CodeMirror ignores keys for 75 ms after a list opens
    await page.keyboard.press('ArrowDown');
    assert.equal(await focused(), 'Query');
    await page.locator('.cm-tooltip-autocomplete li[aria-selected="true"]').waitFor();
  });

  test('Enter with the completion list open runs the query and closes the list: ↓ goes on to the rows', async () => {
    await page.keyboard.press('/');
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('level:err');
    await page.locator('.cm-tooltip-autocomplete').waitFor();
    await page.keyboard.press('Enter');
    await waitForTotal(page, await apiTotal(srv, 'level:err', 'now-1h', 'now'));
    assert.equal(await page.locator('.cm-tooltip-autocomplete').count(), 0, 'the completion list closed');
    await page.keyboard.press('ArrowDown');
    assert.equal(await focused(), '0');
    await page.keyboard.press('j');
    assert.equal(await focused(), '1');
    assert.equal(await page.locator('.cm-content').innerText(), 'level:err', 'nothing typed into the query');
  });
});
