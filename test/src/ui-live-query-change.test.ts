/**
 * Live on, the query changed, one stream to spare on the server: the page
 * gives its stream up and opens one for the new query. When the new
 * request got to the server before the old one's close (on loopback about
 * one query change in four, a search's answer after the close), it was
 * refused (503 LS_API_TOO_MANY_STREAMS): the error showed and live waited
 * out the Retry-After (5 s). Now a refusal right after the page's own close
 * is asked again shortly, with no error shown.
 *
 * The page reaches the server through late-close-proxy.ts passing a close
 * on only once the server has answered the page's next request: the new
 * stream's request always gets there first.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { HAVE_CHROMIUM } from './browser.js';
import { ingest, type ServerHandle } from './harness.js';
import { startLateCloseProxy } from './late-close-proxy.js';
import { openTail, type TailReader } from './tail-support.js';
import { pageSuite, recentLines, typeQuery, waitForQuery, waitForTotal } from './ui-support.js';

describe('search page: the query changed while live, one stream to spare (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 120_000 }, () => {
  let srv: ServerHandle;
  let page: Page;
  const counts: Record<string, number> = { 'host:busy': 5, 'host:other': 3 };

  pageSuite({
    seed: (srv) => ingest(srv.url, [
      ...recentLines(5, 10_000, (i) => ({ level: 'info', host: 'busy', message: `seeded ${i}` })),
      ...recentLines(3, 10_000, (i) => ({ level: 'info', host: 'other', message: `other ${i}` })),
    ]),
  }, (s) => ({ srv, page } = s));

  test('the new query goes live with no LS_API_TOO_MANY_STREAMS shown', async () => {
    const taken: TailReader[] = [];
    const relay = await startLateCloseProxy(srv.port, { untilNextAnswer: true });
    try {
      for (let i = 0; i < 99; i++) taken.push(await openTail(srv.url, 'host:nothing'));
      await page.goto(`${relay.url}/?${new URLSearchParams({ q: 'host:busy', from: 'now-15m', to: 'now', live: '1' })}`);
      await waitForTotal(page, counts['host:busy']!);
      await page.locator('[data-live="open"]').waitFor({ timeout: 10_000 });
      // Every alert the page shows, however briefly.
      await page.evaluate(`(() => {
        window.__alerts = [];
        const seen = () => { for (const el of document.querySelectorAll('[role="alert"]')) if (!window.__alerts.includes(el.textContent)) window.__alerts.push(el.textContent); };
        new MutationObserver(seen).observe(document.body, { subtree: true, childList: true, characterData: true });
      })()`);
      for (const q of ['host:other', 'host:busy']) {
        await typeQuery(page, q);
        await waitForQuery(page, q);
        await waitForTotal(page, counts[q]!);
        // The new query's stream is open: an event of it committed now is shown.
        await ingest(srv.url, [JSON.stringify({ '@timestamp': new Date().toISOString(), level: 'info', host: q.slice(5), message: `live for ${q}` })]);
        counts[q]!++;
        await waitForTotal(page, counts[q]!);
        assert.deepEqual(await page.evaluate('window.__alerts'), [], `alerts after the change to ${q}`);
      }
      assert.equal(await page.locator('[data-live="open"]').count(), 1);
    } finally {
      relay.passCloses();
      await relay.close();
      for (const t of taken) t.abort();
    }
  });
});
