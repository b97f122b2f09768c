/**
 * The field list during a new search, as the histogram does it
 * (ui-histogram-loading.test.ts): until the new query's fields come, the
 * list says it is loading (the previous fields dimmed, aria-busy). It kept
 * the previous query's fields and counts as they were beside the new hits
 * ("@timestamp 41" over "17 hits").
 *
 * Every state the page renders is recorded, so the test holds whichever of
 * the search and the field list answers first: no timing is assumed.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { HAVE_CHROMIUM } from './browser.js';
import { ingest, type ServerHandle } from './harness.js';
import { pageSuite, waitForTotal } from './ui-support.js';

const WEB1 = 24;
const WEB2 = 17;

interface ListState {
  loading: boolean;
  /** The count the list gives @timestamp (every event has one): the events its fields are of. */
  count: string | null;
  url: string;
}

describe('search page: the field list while a new search loads (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 60_000 }, () => {
  let srv: ServerHandle;
  let page: Page;
  let problems: string[] = [];
  const now = Date.now();

  pageSuite({
    seed: (srv) => ingest(srv.url, [
      ...Array.from({ length: WEB1 }, (_, i) => JSON.stringify({ '@timestamp': new Date(now - 60_000 - i * 7_000).toISOString(), level: 'info', host: 'web-1', message: `one ${i}`, user: `u${i}` })),
      ...Array.from({ length: WEB2 }, (_, i) => JSON.stringify({ '@timestamp': new Date(now - 90_000 - i * 9_000).toISOString(), level: 'warning', host: 'web-2', message: `two ${i}`, status: 500 })),
    ]),
  }, (s) => ({ srv, page, problems } = s));

  const fieldCount = `(document.querySelector('.sidebar .field[data-field="@timestamp"] .count')?.textContent ?? null)`;

  test('a new query: the previous query\'s fields and counts are never shown as the list\'s while its fields load', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from: 'now-15m', to: 'now' })}`);
    await waitForTotal(page, WEB1 + WEB2);
    await page.waitForFunction(`${fieldCount} === '${WEB1 + WEB2}'`, undefined, { timeout: 10_000 });
    await page.evaluate(`(() => {
      window.__list = [];
      new MutationObserver(() => {
        const list = document.querySelector('.sidebar ul.field-list') ?? document.querySelector('.sidebar ul');
        const sign = document.querySelector('.sidebar [role="status"]');
        window.__list.push({
          loading: list?.getAttribute('aria-busy') === 'true' && sign !== null && /Loading fields/.test(sign.textContent),
          count: ${fieldCount},
          url: location.href,
        });
      }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    })()`);
    await page.keyboard.press('/');
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('host:web-2');
    await page.keyboard.press('Enter');
    await waitForTotal(page, WEB2);
    await page.waitForFunction(`${fieldCount} === '${WEB2}' && document.querySelector('.sidebar [role="status"]') === null`, undefined, { timeout: 10_000 });
    const states = ((await page.evaluate('window.__list')) as ListState[]).filter((s) => new URL(s.url).searchParams.get('q') === 'host:web-2');
    assert.ok(states.length > 0);
    const stale = states.filter((s) => !s.loading && s.count !== String(WEB2));
    assert.deepEqual(stale.map(({ loading, count }) => ({ loading, count })), [], `states giving @timestamp a count that is not the new search's ${WEB2} without saying the list is loading`);
    assert.ok(states.some((s) => s.loading), 'the list said it was loading before its answer came');
    // The new query's fields: status, not user.
    assert.equal(await page.locator('.sidebar .field[data-field="status"]').count(), 1);
    assert.equal(await page.locator('.sidebar .field[data-field="user"]').count(), 0);
    assert.deepEqual(problems, []);
  });
});
