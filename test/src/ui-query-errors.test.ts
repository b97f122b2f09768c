/**
 * A query the page cannot run shows its error above the last answers that
 * ran, dimmed, inert and said to be that query's (Kibana and Grafana keep
 * theirs under the error): shown as they were, the previous query's
 * histogram and fields read as the new query's; emptied, a typo took the
 * whole page away, leaving "Newest first" and "Download" floating. The field list does not blame the server for a 404 that is the
 * query's own (an unknown saved query). Other query languages' habits
 * (KQL's `level : error`, Loki's `{job="x"}`) are said in this one's terms.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { HAVE_CHROMIUM, screenshot } from './browser.js';
import { ingest, type ServerHandle } from './harness.js';
import { apiTotal, typeQuery, waitForTotal, pageSuite, recentLines } from './ui-support.js';

describe('search page: queries that cannot run (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 60_000 }, () => {
  let srv: ServerHandle;
  let page: Page;
  const from = 'now-1h';
  const to = 'now';

  pageSuite({
    seed: (srv) => ingest(srv.url, recentLines(60, 30_000, (i) => ({ level: i % 3 ? 'info' : 'error', host: 'web-1', message: `line ${i}` }))),
  }, (s) => ({ srv, page } = s));

  /** Nothing ran before: no answers at all. */
  async function showsNoAnswers(): Promise<void> {
    assert.equal(await page.locator('.results [data-event-id]').count(), 0);
    assert.equal(await page.locator('.histogram').getAttribute('data-sum'), '', 'no histogram');
    assert.equal(await page.locator('.histogram canvas').count(), 0, 'no bars drawn');
    assert.equal(await page.locator('.sidebar li[data-field]').count(), 0, 'no fields');
  }

  /**
   * The answers of `q` (`total` hits) stay under the error: said to be
   * `q`'s, dimmed, inert (no filter, sort, bar click or Download acts on
   * them), the chart giving no count as the page's.
   */
  async function showsStaleAnswers(q: string, total: number): Promise<void> {
    const note = page.locator('.stale-note');
    await note.waitFor();
    assert.equal(await note.getAttribute('data-q'), q);
    assert.match(await note.innerText(), /do not match the query in the bar/);
    assert.equal(await page.locator('.body').getAttribute('data-stale'), 'true');
    assert.equal(await page.evaluate(`document.querySelector('.body').inert`), true, 'the answers cannot be acted on');
    assert.ok(Number(await page.evaluate(`getComputedStyle(document.querySelector('.body > .main')).opacity`)) < 0.6, 'dimmed');
    assert.ok(await page.locator('.results [data-event-id]').count() > 0, 'the last hits stay');
    assert.equal(await page.locator('.total').getAttribute('data-total'), String(total));
    assert.ok(await page.locator('.sidebar li[data-field]').count() > 0, 'the last fields stay');
    assert.equal(await page.locator('.histogram canvas').count(), 1, 'the last bars stay');
    assert.equal(await page.locator('.histogram').getAttribute('data-sum'), '', 'no count given as the page\'s');
    assert.equal(await page.locator('.histogram-frame.stale').count(), 1);
    assert.equal(await page.getByRole('combobox', { name: 'Order' }).count(), 0, 'no order to change');
    assert.equal(await page.getByText('Download').count(), 0, 'no Download');
  }

  test('a syntax error after a good query keeps the good one\'s answers, dimmed and said to be its', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: 'host:web-1', from, to })}`);
    await waitForTotal(page, await apiTotal(srv, 'host:web-1', from, to));
    await page.waitForFunction(`document.querySelector('.histogram')?.dataset.sum === '60'`);
    await page.locator('.sidebar li[data-field="host"]').waitFor();
    await typeQuery(page, 'host:web-1 AND (');
    await page.locator('.query-error').waitFor();
    await showsStaleAnswers('host:web-1', 60);
    await screenshot(page, 'stale-after-syntax-error');
    // Another bad query: still the last one that ran.
    await typeQuery(page, '{job="nginx"} |= "502"');
    await page.locator('.query-error', { hasText: 'LogQL' }).waitFor();
    await showsStaleAnswers('host:web-1', 60);
    await screenshot(page, 'stale-after-logql');
    // Fixed: the page's own answers again, live and whole.
    await typeQuery(page, 'level:error');
    await waitForTotal(page, await apiTotal(srv, 'level:error', from, to));
    assert.equal(await page.locator('.stale-note').count(), 0);
    assert.equal(await page.evaluate(`document.querySelector('.body').inert`), false);
    assert.equal(await page.getByRole('combobox', { name: 'Order' }).count(), 1);
  });

  test('KQL\'s `level : error` and Loki\'s `{host="web-1"}` are said in this language\'s terms, and the API says the same', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from, to })}`);
    await waitForTotal(page, 60);
    for (const [q, meant] of [['level : error', 'level:error'], ['{host="web-1"} |= "line"', 'host:"web-1"']] as const) {
      await typeQuery(page, q);
      const alert = page.locator('.query-error');
      await alert.waitFor();
      assert.ok((await alert.innerText()).includes(meant), `${q}: ${await alert.innerText()}`);
      const api = await fetch(`${srv.url}/api/v1/search?${new URLSearchParams({ q, from, to })}`);
      const body = (await api.json()) as { error: { message: string } };
      assert.equal(api.status, 400);
      assert.ok((await alert.innerText()).includes(body.error.message), `the page says the API's words: ${body.error.message}`);
      // Written as the hint says, it runs.
      await typeQuery(page, meant);
      await waitForTotal(page, await apiTotal(srv, meant, from, to));
    }
  });

  test('a time range that does not resolve keeps them too', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: 'host:web-1', from, to })}`);
    await waitForTotal(page, 60);
    await page.locator('.sidebar li[data-field="host"]').waitFor();
    // A link with a `from` that is no date (edited by hand), reached by back/forward.
    await page.evaluate(`history.pushState(null, '', '?q=host%3Aweb-1&from=yesterday&to=now'); dispatchEvent(new PopStateEvent('popstate'))`);
    await page.locator('.failure', { hasText: 'Time range' }).waitFor();
    await showsStaleAnswers('host:web-1', 60);
  });

  test('a link whose "from" is after its "to": said on the page, the server not asked', async () => {
    const asked: string[] = [];
    const onRequest = (r: { url(): string }) => { if (r.url().includes('/api/v1/')) asked.push(r.url()); };
    page.on('request', onRequest);
    try {
      await page.goto(`${srv.url}/?${new URLSearchParams({ q: 'host:web-1', from: 'now', to: 'now-1h' })}`);
      await page.locator('.failure', { hasText: 'The time range is backwards: From now is after To now-1h; swap them: From now-1h, To now' }).waitFor();
      await showsNoAnswers();
      // The saved-query chips and the header's alert count are asked on every load, whatever the range.
      assert.deepEqual(asked.filter((u) => !u.includes('/api/v1/queries') && !u.includes('/api/v1/alerts')), []);
    } finally {
      page.off('request', onRequest);
    }
  });

  test('live on with a query that does not parse: its error once, not again as the live stream\'s', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: 'host:web-1 AND (', from, to, live: '1' })}`);
    await page.locator('.query-error').waitFor();
    // The stream's 400 comes after the page's own parse; wait for it.
    await page.waitForResponse((r) => r.url().includes('/api/v1/tail'), { timeout: 5_000 }).catch(() => undefined);
    await page.waitForTimeout(300);
    const alerts = await page.getByRole('alert').allInnerTexts();
    assert.equal(alerts.length, 1, alerts.join('\n---\n'));
  });

  /** The API requests the page sends whose query names `@name`, while `during` runs: each one's path. */
  async function askedWith(name: string, during: () => Promise<void>): Promise<string[]> {
    const asked: string[] = [];
    const onRequest = (r: { url(): string }) => {
      const u = new URL(r.url());
      if (u.pathname.startsWith('/api/') && (u.searchParams.get('q') ?? '').includes(`@${name}`)) asked.push(u.pathname);
    };
    page.on('request', onRequest);
    try {
      await during();
      // Requests that would follow the answer (fields, histograms) have come by now.
      await page.waitForLoadState('networkidle');
    } finally {
      page.off('request', onRequest);
    }
    return asked;
  }

  test('an unknown saved query: its error at its place with the server\'s nearest saved query, once, and no "This server has no field list"', async () => {
    // It was a failure banner with the server's code, said again in the field list.
    const q = 'host:web-1 AND @erors';
    const alert = page.locator('.query-error');
    // Without the saved queries' list (it has not come, or cannot be had) the
    // server is asked, once: the search, refused with its `did_you_mean`. The
    // search, three histograms and the fields were each refused, and the
    // suggestion was the page's own, looked up in the list it lacked.
    await page.route('**/api/v1/queries', (route) => route.abort());
    let asked: string[];
    try {
      asked = await askedWith('erors', async () => {
        await page.goto(`${srv.url}/?${new URLSearchParams({ q, from, to })}`);
        await alert.waitFor();
      });
    } finally {
      await page.unroute('**/api/v1/queries');
    }
    assert.deepEqual(asked, ['/api/v1/search'], 'asked once');
    assert.equal(await alert.locator(':scope > span').innerText(), 'no saved query named "erors"; did you mean @errors?');
    assert.equal(await alert.getAttribute('data-offset'), String(q.indexOf('@erors')));
    assert.deepEqual(await page.getByRole('alert').allInnerTexts(), [await alert.innerText()], 'said once');
    assert.equal(await page.locator('.sidebar p.muted').count(), 0, 'nothing about it in the field list');
    // The histogram's request failed on it too: it said "No histogram: LS_API_UNKNOWN_SAVED_QUERY: …" again.
    assert.deepEqual(await page.locator('.histogram-error').allInnerTexts(), [], 'nothing about it in the chart\'s place');
  });

  test('an unknown saved query, the saved queries known: said without asking the server (README: "before the server is asked")', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: 'host:web-1', from, to })}`);
    await waitForTotal(page, 60);
    await page.getByRole('navigation', { name: 'Saved queries' }).getByRole('button', { name: '@slow-requests' }).waitFor();
    const q = 'host:web-1 AND (@slow-requestz OR @errors)';
    const alert = page.locator('.query-error');
    const asked = await askedWith('slow-requestz', async () => {
      // A link reached by back/forward, as a typed query would run it (completion would take `@slow-requestz` away).
      await page.evaluate(`history.pushState(null, '', '?' + new URLSearchParams({ q: ${JSON.stringify(q)}, from: 'now-1h', to: 'now' })); dispatchEvent(new PopStateEvent('popstate'))`);
      await alert.waitFor();
    });
    assert.deepEqual(asked, [], 'the server not asked');
    assert.equal(await alert.locator(':scope > span').innerText(), 'no saved query named "slow-requestz"; did you mean @slow-requests?');
    assert.equal(await alert.getAttribute('data-offset'), String(q.indexOf('@slow-requestz')));
    await showsStaleAnswers('host:web-1', 60);
  });
});
