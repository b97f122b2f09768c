/**
 * The saved queries follow the server's config without a reload of the
 * page. The page asked for them on load (and after a new token) only, and
 * refused an `@name` its copy lacked before asking the server: a saved
 * query the server's config gained at a restart was "no saved query named
 * …" on every open page until it was reloaded, and its chip never showed.
 * Now the list is asked again when it can be stale and matters (an `@`
 * typed, a query naming one the copy lacks, the server refusing one), and
 * never once per keystroke.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { HAVE_CHROMIUM, launchChromium, screenshot, watchPage } from './browser.js';
import { ingest, startServer, stopAll, type ServerHandle } from './harness.js';
import { apiTotal, recentLines, typeQuery, waitForTotal } from './ui-support.js';

const EVENTS = 30;

describe('search page: saved queries added by a restart (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 120_000 }, () => {
  let srv: ServerHandle;
  let browser: Browser;
  let page: Page;
  let problems: string[] = [];
  /** GET /api/v1/queries requests the page sent since the last reset. */
  let listAsked = 0;

  before(async () => {
    srv = await startServer({ configYaml: 'saved_queries:\n  web: \'host:web-1\'\n' });
    await ingest(srv.url, recentLines(EVENTS, 10_000, (i) => ({ level: 'info', host: i % 3 === 0 ? 'web-1' : 'web-2', logger: i % 5 === 0 ? 'deploy' : 'app', message: `event ${i}` })));
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    problems = watchPage(page);
    page.on('request', (r) => { if (new URL(r.url()).pathname === '/api/v1/queries') listAsked += 1; });
  });

  after(async () => {
    await browser?.close();
    await stopAll();
  });

  const chips = () => page.getByRole('navigation', { name: 'Saved queries' }).locator('.chip').allInnerTexts();

  test('a saved query the restarted server has runs in the page opened before, its chip shown, with one list request at most per need', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from: 'now-1h', to: 'now' })}`);
    await waitForTotal(page, EVENTS);
    await page.getByRole('navigation', { name: 'Saved queries' }).getByRole('button', { name: '@web' }).waitFor();
    assert.ok((await chips()).includes('@web'));
    // The same server (data, port) restarted with another config: `deploys` added, `web` gone.
    await srv.stop('SIGTERM');
    srv = await startServer({ dataDir: srv.dataDir, port: srv.port, configYaml: 'saved_queries:\n  deploys: \'logger:deploy\'\n' });
    const expected = await apiTotal(srv, '@deploys', 'now-1h', 'now');
    assert.ok(expected > 0 && expected < EVENTS, `${expected} deploys`);
    listAsked = 0;
    const q = 'host:(web-1 OR web-2) AND @deploys';
    await typeQuery(page, q);
    await waitForTotal(page, expected);
    assert.equal(await page.locator('.query-error').count(), 0, 'not refused');
    // Typed key by key (35 keys): asked for the `@`, not for each key.
    assert.ok(listAsked >= 1 && listAsked <= 2, `the list asked ${listAsked} times`);
    // The built-in ones stay; `web` goes.
    await page.waitForFunction(`(() => { const c = [...document.querySelectorAll('.shortcuts .chip')].map((c) => c.textContent); return c.includes('@deploys') && !c.includes('@web'); })()`)
      .catch(async (err: Error) => { throw new Error(`chips ${JSON.stringify(await chips())}: ${err.message}`); });
    await screenshot(page, 'saved-queries-after-restart');
  });

  test('a saved query the server no longer has: refused at its place, and its chip gone', async () => {
    // `web` was the page's before the restart: asked again, the server has it no more.
    await page.evaluate(`history.pushState(null, '', '?' + new URLSearchParams({ q: '@web', from: 'now-1h', to: 'now' })); dispatchEvent(new PopStateEvent('popstate'))`);
    const alert = page.locator('.query-error');
    await alert.waitFor();
    assert.match(await alert.innerText(), /no saved query named "web"/);
    const shown = await chips();
    assert.ok(shown.includes('@deploys') && !shown.includes('@web'), JSON.stringify(shown));
    // The refusal's 400s are the browser's console errors; nothing else.
    assert.deepEqual(problems.filter((p) => !/Failed to load resource/.test(p)), []);
  });
});
