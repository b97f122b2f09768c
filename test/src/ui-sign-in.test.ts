/**
 * Signing in on a server with `auth.tokens`, as a Kibana or Grafana user
 * meets it: a plain prompt over an empty page. The page sent seven
 * requests, each refused, before it asked; the field list and the chart's
 * place said the server's refusal (`Fields: LS_AUTH_MISSING_TOKEN: no
 * Authorization header was sent; …`) around the prompt, again after each
 * wrong token, and the prompt opened with a red error though no token had
 * been given. Now one request is refused at most before the prompt shows
 * (and after each token given), nothing of the refusal is said behind it,
 * and the prompt says an error only once a token given was refused: which
 * refusal (a wrong token, a token without the read scope).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page, Request } from 'playwright-core';
import { HAVE_CHROMIUM, launchChromium, screenshot } from './browser.js';
import { ingest, startServer, stopAll, waitFor, type ServerHandle } from './harness.js';
import { twoTokensYaml } from './two-tokens.js';
import { apiTotal, recentLines, waitForTotal } from './ui-support.js';

const READ = 'read-token-for-the-sign-in-test';
const WRITE = 'write-token-for-the-sign-in-test';
const EVENTS = 12;

describe('search page: signing in (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 90_000 }, () => {
  let srv: ServerHandle;
  let browser: Browser;
  let page: Page;
  /** Every API answer refused for want of a (good) token since the last reset. */
  let refused: string[] = [];
  /** Live's streams asked for (none before a token is accepted). */
  let tails = 0;
  /** API requests the page sent that are not answered yet. */
  const inFlight = new Set<Request>();

  before(async () => {
    srv = await startServer({
      configYaml: twoTokensYaml(WRITE, READ),
    });
    await ingest(srv.url, recentLines(EVENTS, 10_000, (i) => ({ level: 'info', host: 'web-1', message: `event ${i}` })), WRITE);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('response', (res) => {
      if (res.url().includes('/api/') && (res.status() === 401 || res.status() === 403)) refused.push(`${res.status()} ${new URL(res.url()).pathname}`);
    });
    page.on('request', (req) => { if (new URL(req.url()).pathname === '/api/v1/tail') tails += 1; });
    const isApi = (req: Request) => new URL(req.url()).pathname.startsWith('/api/');
    page.on('request', (req) => { if (isApi(req)) inFlight.add(req); });
    page.on('requestfinished', (req) => { inFlight.delete(req); });
    page.on('requestfailed', (req) => { inFlight.delete(req); });
  });

  after(async () => {
    await browser?.close();
    await stopAll();
  });

  const dialog = () => page.getByRole('dialog', { name: 'Read token' });

  /** What the page says outside the prompt: none of the server's refusal. */
  async function behindThePrompt(): Promise<string> {
    return (await page.evaluate(`[...document.querySelectorAll('.page > :not(.overlay)')].map((e) => e.innerText).join('\\n')`)) as string;
  }

  /**
   * Resolves once every API request the page sent was answered and a frame
   * passed with none sent: any refusal the page had coming is in `refused`.
   * The positive sign the checks of how many were refused wait for, where a
   * 500 ms sleep proved nothing on a slow machine.
   */
  async function settled(): Promise<void> {
    await waitFor(async () => {
      await page.evaluate('new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)))');
      return inFlight.size === 0;
    }, { timeoutMs: 30_000, what: `the page's requests answered: ${[...inFlight].map((r) => r.url()).join(', ')}` });
  }

  /** Gives `token` in the prompt; resolves once the page has had the server's word on it (the prompt back, or gone). */
  async function giveToken(token: string): Promise<void> {
    refused = [];
    await dialog().getByLabel('Token').fill(token);
    await dialog().getByRole('button', { name: 'Use token' }).click();
  }

  test('opens on a plain prompt after one refused request, with nothing of the refusal behind it', async () => {
    // Live on: its stream is not opened to be refused too.
    await page.goto(`${srv.url}/?q=&from=now-1h&to=now&live=1`);
    await dialog().waitFor();
    // Whatever else was asked waited for that answer, and was not sent.
    await settled();
    assert.ok(refused.length <= 1, `refused before the prompt: ${JSON.stringify(refused)}`);
    assert.equal(await dialog().getByRole('alert').count(), 0, 'no error before a token was given');
    const behind = await behindThePrompt();
    assert.doesNotMatch(behind, /LS_AUTH|Authorization|401|No histogram|Fields:|connecting/, behind);
    await screenshot(page, 'sign-in-prompt');
  });

  test('a wrong token: the prompt says it was not accepted, once', async () => {
    await giveToken('not-a-token-of-this-server');
    await page.waitForFunction(`document.querySelector('[role=dialog] [role=alert]')?.textContent.includes('LS_AUTH_INVALID_TOKEN')`);
    assert.match(await dialog().getByRole('alert').innerText(), /did not accept this token/);
    await settled();
    assert.ok(refused.length <= 1, `refused for the wrong token: ${JSON.stringify(refused)}`);
    const behind = await behindThePrompt();
    assert.doesNotMatch(behind, /LS_AUTH|Authorization|401|No histogram|Fields:|connecting/, behind);
    await screenshot(page, 'sign-in-wrong-token');
  });

  test('a token without the read scope: the prompt says it may not read, once', async () => {
    await giveToken(WRITE);
    await page.waitForFunction(`document.querySelector('[role=dialog] [role=alert]')?.textContent.includes('403')`);
    assert.match(await dialog().getByRole('alert').innerText(), /read scope/);
    await settled();
    assert.ok(refused.length <= 1, `refused for the write-only token: ${JSON.stringify(refused)}`);
    const behind = await behindThePrompt();
    assert.doesNotMatch(behind, /LS_AUTH|Authorization|403|No histogram|Fields:|connecting/, behind);
    await screenshot(page, 'sign-in-write-only');
    // Live on all along: no stream was tried (nor said to be) before a token was accepted.
    assert.equal(tails, 0, 'live streams asked for before a token was accepted');
  });

  test('the read token: the prompt goes and the page searches', async () => {
    await giveToken(READ);
    await waitForTotal(page, await apiTotal(srv, '', 'now-1h', 'now', READ));
    assert.equal(await dialog().count(), 0);
    await page.waitForFunction(`document.querySelector('.histogram')?.dataset.sum === '${EVENTS}'`);
    assert.deepEqual(refused, []);
    // Accepted, live opens its stream.
    await page.locator('[data-live="open"]').waitFor();
  });
});
