/**
 * The query bar's completion list by keyboard, as Kibana's KQL bar,
 * Grafana's editors and CodeMirror's own completion take it: ↓/↑ move in the
 * list while it is open, Enter or Tab take the highlighted completion,
 * Escape closes the list; with nothing highlighted, Enter runs the query
 * (ui-keyboard-flow.test.ts) and Tab moves focus on.
 *
 * Before: a value highlighted, then one more character typed, greyed the
 * list while it was asked again (100 ms and more), and Enter then ran the
 * half-typed query instead of taking the highlighted value. ↓ pressed as the
 * list appeared (the editor ignored keys for 75 ms after it opened) went past
 * it to the results. Tab did nothing with the list. ↓ pressed while the
 * list was still being asked for (its values not yet answered) went on to
 * the results, and the list then opened over the rows; so did a list asked
 * for as Tab moved focus on.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page, Route } from 'playwright-core';
import { HAVE_CHROMIUM } from './browser.js';
import { ingest, type ServerHandle } from './harness.js';
import { pageSuite, queryText, recentLines, urlParams, waitForQuery, waitForTotal } from './ui-support.js';

describe('search page: the completion list by keyboard (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 90_000 }, () => {
  let srv: ServerHandle;
  let page: Page;
  let problems: string[] = [];

  pageSuite({
    seed: (srv) => ingest(srv.url, recentLines(30, 30_000, (i) => ({ level: 'info', host: `web-${(i % 3) + 1}`, message: `line ${i}` }))),
  }, (s) => ({ srv, page, problems } = s));

  const focused = () => page.evaluate(`document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.dataset.index ?? document.activeElement?.tagName ?? null`);
  const highlighted = () => page.locator('.cm-tooltip-autocomplete li[aria-selected="true"] .cm-completionLabel');
  const waitForLabels = (expected: string) => page.waitForFunction(
    `[...document.querySelectorAll('.cm-tooltip-autocomplete .cm-completionLabel')].map((e) => e.textContent).sort().join() === ${JSON.stringify(expected)}`,
  );

  /** The page with every event, the query bar focused and empty. */
  async function start(): Promise<void> {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from: 'now-1h', to: 'now' })}`);
    await waitForTotal(page, 30);
    await page.keyboard.press('/');
    assert.equal(await focused(), 'Query');
  }

  test('a value highlighted, then a character more typed: Enter takes the value and does not run the query', async () => {
    await start();
    await page.keyboard.type('host:w');
    await waitForLabels('web-1,web-2,web-3');
    // Past the 75 ms the editor used to ignore ↓ for, so that this checks Enter alone.
    await page.waitForTimeout(150);
    await page.keyboard.press('ArrowDown');
    const value = await highlighted().innerText();
    await page.keyboard.type('e');
    await page.keyboard.press('Enter');
    assert.equal(await queryText(page), `host:"${value}"`, 'the highlighted value taken');
    assert.equal(urlParams(page).get('q'), '', 'the query not run');
    assert.equal(await page.locator('.cm-tooltip-autocomplete').count(), 0, 'the list closed');
    // Enter again, with no list open, runs it.
    await page.keyboard.press('Enter');
    await waitForQuery(page, `host:"${value}"`);
    await waitForTotal(page, 10);
    assert.deepEqual(problems, []);
  });

  test('↓ pressed as the list appears moves into it and stays in the query bar; ↑ moves back', async () => {
    await start();
    await page.keyboard.type('host:w');
    await page.locator('.cm-tooltip-autocomplete li').first().waitFor();
    await page.keyboard.press('ArrowDown');
    assert.equal(await focused(), 'Query');
    const first = await highlighted().innerText();
    await page.keyboard.press('ArrowDown');
    assert.notEqual(await highlighted().innerText(), first);
    await page.keyboard.press('ArrowUp');
    assert.equal(await highlighted().innerText(), first);
    await page.keyboard.press('Enter');
    assert.equal(await queryText(page), `host:"${first}"`);
    assert.equal(urlParams(page).get('q'), '');
  });

  /**
   * The first request for a field's values held in the browser until
   * released: the list is being asked for, and not there, for as long as
   * the test needs. The answer itself is the server's.
   */
  async function holdValues(field: string): Promise<{ asked: Promise<unknown>; release: () => Promise<void> }> {
    const path = new RegExp(`/api/v1/fields/${field}/values\\?`);
    let held: Route | undefined;
    const hold = (route: Route) => (held ? route.continue() : void (held = route));
    await page.route(path, hold);
    return {
      asked: page.waitForRequest(path),
      release: async () => {
        await held?.continue();
        await page.unroute(path, hold);
      },
    };
  }

  /** Two frames: what an answer changes in the editor is drawn by then. */
  const frames = () => page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');

  test('↓ pressed while the list is being asked for waits for it and moves into it; focus stays in the query bar', async () => {
    await start();
    const values = await holdValues('host');
    try {
      await page.keyboard.type('host:');
      await values.asked;
      assert.equal(await page.locator('.cm-tooltip-autocomplete').count(), 0, 'no list yet');
      await page.keyboard.press('ArrowDown');
      assert.equal(await focused(), 'Query', '↓ did not go on to the results');
    } finally {
      await values.release();
    }
    await waitForLabels('web-1,web-2,web-3');
    assert.equal(await focused(), 'Query');
    // The held ↓ moved into the list: the first value is highlighted.
    const first = await page.locator('.cm-tooltip-autocomplete .cm-completionLabel').first().innerText();
    assert.equal(await highlighted().innerText(), first);
    await page.keyboard.press('Enter');
    assert.equal(await queryText(page), `host:"${first}"`);
    assert.equal(urlParams(page).get('q'), '', 'the query not run');
    // With no list being asked for, ↓ goes on to the results at once.
    await page.keyboard.press('ArrowDown');
    assert.equal(await focused(), '0');
    assert.deepEqual(problems, []);
  });

  test('a list still being asked for as focus moves on (Tab) does not open afterwards', async () => {
    await start();
    const values = await holdValues('level');
    const answered = page.waitForResponse(/\/api\/v1\/fields\/level\/values\?/);
    try {
      await page.keyboard.type('level:');
      await values.asked;
      await page.keyboard.press('Tab');
      assert.notEqual(await focused(), 'Query');
    } finally {
      await values.release();
    }
    await answered;
    await frames();
    assert.equal(await page.locator('.cm-tooltip-autocomplete').count(), 0, 'no list over the page');
    assert.equal(await queryText(page), 'level:');
  });

  test('Tab takes the highlighted completion; Escape closes the list; Tab with no list moves focus on', async () => {
    await start();
    await page.keyboard.type('hos');
    await page.locator('.cm-tooltip-autocomplete .cm-completionLabel', { hasText: 'host' }).first().waitFor();
    await page.keyboard.press('ArrowDown');
    assert.equal(await highlighted().innerText(), 'host');
    await page.keyboard.press('Tab');
    assert.equal(await queryText(page), 'host:');
    assert.equal(await focused(), 'Query');
    // The field's values open at once (query-bar.tsx applyField).
    await waitForLabels('web-1,web-2,web-3');
    await page.keyboard.press('Escape');
    await page.locator('.cm-tooltip-autocomplete').waitFor({ state: 'detached' });
    assert.equal(await queryText(page), 'host:');
    await page.keyboard.press('Tab');
    assert.notEqual(await focused(), 'Query');
    assert.equal(await queryText(page), 'host:');
    assert.equal(urlParams(page).get('q'), '');
  });
});
