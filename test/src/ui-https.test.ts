/**
 * The search page over HTTPS in a real headless Chromium: logship serve with
 * a certificate of a throwaway openssl CA, Chromium told to trust exactly
 * that certificate's public key (--ignore-certificate-errors-spki-list, not
 * "ignore all errors"), the page's total compared with the API's, and the
 * live tail (SSE) over the same TLS port.
 */
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM, HAVE_CHROMIUM, screenshot, watchPage } from './browser.js';
import { freePort, removeDir, stopAll, tempDir } from './harness.js';
import { httpsText, issue, makeCa, OPENSSL, startHttpsServer, type HttpsServerHandle } from './tls-support.js';

describe('the search page over HTTPS in Chromium', { skip: !HAVE_CHROMIUM || !OPENSSL }, () => {
  let root: string;
  let srv: HttpsServerHandle;
  let browser: Browser;
  let caPem: Buffer;

  before(async () => {
    root = await tempDir('logship-ui-tls-');
    const ca = makeCa(root, 'ui-ca');
    const server = issue(ca, 'server', { cn: 'localhost' });
    caPem = readFileSync(ca.cert);
    const port = await freePort();
    srv = await startHttpsServer(['--listen', `127.0.0.1:${port}`, '--data', join(root, 'data'), '--tls-cert-file', server.cert, '--tls-key-file', server.key],
      async (url) => (await httpsText(`${url}/health`, { ca: caPem })).status === 200);
    const spki = createHash('sha256')
      .update(new X509Certificate(readFileSync(server.cert)).publicKey.export({ type: 'spki', format: 'der' }))
      .digest('base64');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', `--ignore-certificate-errors-spki-list=${spki}`],
    });
  });

  after(async () => {
    await browser?.close();
    await stopAll();
    await removeDir(root);
  });

  test('the page loads over HTTPS, shows the API\'s total, and live tail streams over TLS', async () => {
    const now = Date.now();
    const lines = Array.from({ length: 30 }, (_, i) => JSON.stringify({ '@timestamp': new Date(now - i * 1000).toISOString(), level: 'info', message: `over tls ${i}`, run: 'ui-tls' }));
    const wrote = await httpsText(`${srv.url}/api/v1/ingest`, { ca: caPem, method: 'POST', body: `${lines.join('\n')}\n` });
    assert.equal(wrote.status, 200, wrote.body);
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const problems = watchPage(page);
    const from = new Date(now - 3_600_000).toISOString();
    const to = new Date(now + 60_000).toISOString();
    const res = await page.goto(`${srv.url}/?${new URLSearchParams({ q: 'run:ui-tls', from, to })}`);
    assert.equal(res?.status(), 200);
    assert.ok(page.url().startsWith('https://'));
    const api = JSON.parse((await httpsText(`${srv.url}/api/v1/search?${new URLSearchParams({ q: 'run:ui-tls', from, to, limit: '1' })}`, { ca: caPem })).body) as { total: { value: number } };
    assert.equal(api.total.value, 30);
    await page.waitForFunction(`document.querySelector('.total')?.dataset.total === '30'`, undefined, { timeout: 15_000 });
    await screenshot(page, 'https-page');

    // Live tail: the SSE stream over the same TLS port brings a new event.
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: 'run:ui-tls', from: 'now-1h', to: 'now' })}`);
    await page.waitForFunction(`document.querySelector('.total')?.dataset.total === '30'`, undefined, { timeout: 15_000 });
    await page.getByRole('button', { name: 'Live' }).click();
    await page.locator('[data-live="open"]').waitFor();
    const live = JSON.stringify({ '@timestamp': new Date().toISOString(), level: 'info', message: 'live over tls', run: 'ui-tls' });
    const posted = await httpsText(`${srv.url}/api/v1/ingest`, { ca: caPem, method: 'POST', body: `${live}\n` });
    assert.equal(posted.status, 200, posted.body);
    await page.waitForFunction(`document.querySelector('.results [data-index="0"] .message')?.textContent === 'live over tls'`);
    assert.deepEqual(problems, []);
    await page.close();
  });
});
