/**
 * The field list beside the hits during ingest. The hits and the field
 * list are two reads; an event stamped inside the range and committed
 * between them is counted by the list and not by the hits: `@timestamp 47`
 * beside "40 hits", with nothing said. The list now says it was counted a
 * moment after the hits, and by how many events; with live on, the events
 * committed in between arrive and both figures count them, and it agrees.
 *
 * The moment between the two reads is made certain, not hoped for: the
 * page's request for the field list is held (the real server's answer,
 * not a stand-in) while events are ingested, then let through.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page, Route } from 'playwright-core';
import { HAVE_CHROMIUM, screenshot } from './browser.js';
import { ingest, type ServerHandle } from './harness.js';
import { pageSuite, recentLines, waitForTotal } from './ui-support.js';

const SEEDED = 40;
const BETWEEN = 7;

describe('search page: field counts of another moment than the hits (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 90_000 }, () => {
  let srv: ServerHandle;
  let page: Page;
  let problems: string[] = [];

  pageSuite({
    seed: (srv) => ingest(srv.url, recentLines(SEEDED, 10_000, (i) => ({ level: 'info', host: 'web-1', message: `seeded ${i}` }), Date.now() - 60_000)),
  }, (s) => ({ srv, page, problems } = s));

  const timestampCount = () => page.evaluate(`document.querySelector('.sidebar .field[data-field="@timestamp"] .count')?.textContent ?? null`) as Promise<string | null>;

  /** When the page was last opened: the late lines are stamped a second before it (below). */
  let openedAt = 0;

  /** Opens the page with its first field-list request held until the search has answered and `between` has run. */
  async function openWithFieldsHeld(params: Record<string, string>, between: () => Promise<void>): Promise<void> {
    let held = false;
    openedAt = Date.now();
    // Asked together with the search: the search's read is done once its answer is in.
    const searched = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/search');
    const hold = async (route: Route) => {
      if (held) return route.continue();
      held = true;
      await searched;
      await between();
      await route.continue();
    };
    await page.route('**/api/v1/fields?*', hold);
    try {
      await page.goto(`${srv.url}/?${new URLSearchParams(params)}`);
      await waitForTotal(page, SEEDED);
      await page.locator('.sidebar .field[data-field="@timestamp"]').waitFor();
      await page.waitForFunction(`!document.querySelector('.sidebar .fields-loading')`);
    } finally {
      await page.unroute('**/api/v1/fields?*', hold);
    }
  }

  // Stamped a second before the page was opened: inside the range it resolves at load
  // (`to: now`), however long a loaded machine takes between the load and the ingest.
  const lateLines = (tag: string) => Array.from({ length: BETWEEN }, (_, i) => JSON.stringify({ '@timestamp': new Date(openedAt - 1_000 - i).toISOString(), level: 'info', host: 'web-1', message: `${tag} ${i}` }));

  test('counted after the hits: the list says by how many events, beside the hits it does not match', async () => {
    await openWithFieldsHeld({ q: 'host:web-1', from: 'now-15m', to: 'now' }, () => ingest(srv.url, lateLines('between')).then(() => undefined));
    assert.equal(await page.locator('.total').getAttribute('data-total'), String(SEEDED), 'the hits are of the first read');
    assert.equal(await timestampCount(), String(SEEDED + BETWEEN), 'the list of the later one');
    const note = page.getByRole('note').filter({ hasText: 'Counted a moment after the hits' });
    assert.equal(await note.count(), 1, 'said beside the counts');
    assert.equal(await note.innerText(), `Counted a moment after the hits: ${BETWEEN} more events, which came in between.`);
    await screenshot(page, 'fields-moment');
    // Searched again with nothing ingested in between, they agree and nothing is said.
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await waitForTotal(page, SEEDED + BETWEEN);
    await page.waitForFunction(`document.querySelector('.sidebar .field[data-field="@timestamp"] .count')?.textContent === '${SEEDED + BETWEEN}'`);
    await page.waitForFunction(`!document.querySelector('.sidebar .fields-loading')`);
    assert.equal(await page.locator('.fields-moment').count(), 0);
    assert.deepEqual(problems, []);
  });
});
