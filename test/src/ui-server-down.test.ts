/**
 * The server going away under the page. A search then said only "Failed to
 * fetch" (the browser's words), and with live on, the page stayed on that
 * error with no results after the server was back, though the live stream
 * had reconnected. Now it says the server cannot be reached, and live's
 * reconnection runs the search again.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { HAVE_CHROMIUM } from './browser.js';
import { ingest, startServer, type ServerHandle } from './harness.js';
import { apiTotal, typeQuery, waitForTotal, pageSuite, recentLines } from './ui-support.js';

describe('search page: the server down and back (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 90_000 }, () => {
  let srv: ServerHandle;
  let page: Page;

  pageSuite({
    seed: (srv) => ingest(srv.url, recentLines(40, 30_000, (i) => ({ level: i % 4 ? 'info' : 'error', host: 'web-1', message: `line ${i}` }))),
  }, (s) => ({ srv, page } = s));

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

  test('a field\'s values, the lines around, Download and the alerts panel say the server cannot be reached, not the browser\'s "Failed to fetch"', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from: 'now-1h', to: 'now' })}`);
    await waitForTotal(page, await apiTotal(srv, '', 'now-1h', 'now'));
    await page.locator('[data-index="0"]').click();
    await srv.stop('SIGKILL');

    const unreachable = /Cannot reach the server \(/;
    await page.locator('.field[data-field="host"] button.link').click();
    const values = page.getByRole('list', { name: 'Top values of host' });
    await values.getByText(unreachable).waitFor();

    await page.getByRole('button', { name: 'Lines around' }).click();
    const context = page.getByRole('dialog');
    await context.getByText(unreachable).waitFor();
    await page.keyboard.press('Escape');
    await context.waitFor({ state: 'detached' });

    await page.locator('.export summary').click();
    await page.getByRole('button', { name: /^CSV/ }).click();
    const status = page.locator('.export-status');
    await status.getByText(/^Download failed: Cannot reach the server \(/).waitFor();

    await page.getByRole('button', { name: /^Alerts/ }).click();
    const alerts = page.getByRole('dialog', { name: /Alerts/ });
    await alerts.getByText(unreachable).waitFor();
    assert.doesNotMatch(await page.locator('body').innerText(), /TypeError|^Failed to fetch/m);
  });
});
