/**
 * The server going away under the page. A search then said only "Failed to
 * fetch" (the browser's words), and with live on, the page stayed on that
 * error with no results after the server was back, though the live stream
 * had reconnected. Now it says the server cannot be reached, and live's
 * reconnection runs the search again.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { HAVE_CHROMIUM, launchChromium } from './browser.js';
import { ingest, startServer, stopAll, type ServerHandle } from './harness.js';
import { apiTotal, typeQuery, waitForTotal } from './ui-support.js';

describe('search page: the server down and back (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 90_000 }, () => {
  let srv: ServerHandle;
  let browser: Browser;
  let page: Page;

  before(async () => {
    srv = await startServer();
    const end = Date.now() - 5_000;
    await ingest(srv.url, Array.from({ length: 40 }, (_, i) => JSON.stringify({
      '@timestamp': new Date(end - i * 30_000).toISOString(), level: i % 4 ? 'info' : 'error', host: 'web-1', message: `line ${i}`,
    })));
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  });

  after(async () => {
    await browser?.close();
    await stopAll();
  });

  test('a search while the server is down says it cannot be reached; live brings the results back with the server', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from: 'now-1h', to: 'now' })}`);
    await waitForTotal(page, 40);
    const { port, dataDir } = srv;
    await srv.stop('SIGKILL');
    await typeQuery(page, 'level:error');
    const failure = page.locator('.failure');
    await failure.waitFor();
    assert.match(await failure.innerText(), /^Cannot reach the server/);
    await page.getByRole('button', { name: 'Live' }).click();
    srv = await startServer({ port, dataDir });
    await failure.waitFor({ state: 'detached', timeout: 20_000 });
    await waitForTotal(page, await apiTotal(srv, 'level:error', 'now-1h', 'now'));
    await page.locator('[data-live="open"]').waitFor();
  });
});
