/**
 * Completion goes on after a query that cannot run. Before, a syntax error
 * (or a link holding one) left the bar with nothing to offer while the user
 * fixed it: the values were asked with the broken query (a 400, so none),
 * and the field names came from the results and fields the error had
 * cleared. Now values are those of the last query that ran (of the range
 * alone when none has), and field names the last ones known.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { HAVE_CHROMIUM } from './browser.js';
import { ingest, type ServerHandle } from './harness.js';
import { waitForTotal, pageSuite, recentLines, typeQuery } from './ui-support.js';

describe('search page: completion after a query error (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 90_000 }, () => {
  let srv: ServerHandle;
  let page: Page;
  let problems: string[] = [];

  pageSuite({
    seed: (srv) => ingest(srv.url, recentLines(30, 30_000, (i) => ({ level: 'info', host: `web-${(i % 3) + 1}`, message: `line ${i}` }))),
  }, (s) => ({ srv, page, problems } = s));

  const labels = () => page.locator('.cm-tooltip-autocomplete .cm-completionLabel');
  const waitForLabels = (expected: string) => page.waitForFunction(
    `[...document.querySelectorAll('.cm-tooltip-autocomplete .cm-completionLabel')].map((e) => e.textContent).sort().join() === ${JSON.stringify(expected)}`,
    undefined,
  ).catch(async (err: Error) => { throw new Error(`offered ${JSON.stringify(await labels().allInnerTexts())}, expected ${expected}: ${err.message}`); });

  /** Replaces the bar's text with `text`, typed, without running it. */
  async function edit(text: string): Promise<void> {
    await page.locator('[aria-label="Query"]').click();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.press('Backspace');
    await page.keyboard.type(text);
  }

  test('after a syntax error, editing the query offers field names and their values again', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from: 'now-1h', to: 'now' })}`);
    await waitForTotal(page, 30);
    await typeQuery(page, 'host:web-1 AND (');
    await page.locator('.query-error').waitFor();
    await edit('hos');
    await page.locator('.cm-tooltip-autocomplete .cm-completionLabel', { hasText: 'host' }).first().waitFor();
    await edit('host:w');
    await waitForLabels('web-1,web-2,web-3');
    assert.deepEqual(problems.filter((p) => !p.includes('status of 400')), []);
  });

  test('a link holding a broken query: its values are offered too', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: 'host:(web-1', from: 'now-1h', to: 'now' })}`);
    await page.locator('.query-error').waitFor();
    await edit('level:');
    await waitForLabels('info');
    await edit('mess');
    await page.locator('.cm-tooltip-autocomplete .cm-completionLabel', { hasText: 'message' }).first().waitFor();
  });
});
