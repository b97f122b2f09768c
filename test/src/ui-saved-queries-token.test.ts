/**
 * The saved queries asked under an old token, answered after those asked
 * under the new one. A new token sends its own request for the list; one
 * still under way under the old token could finish last, set the list to
 * null (it was refused) and end the new request's turn: the chips of the
 * server's saved queries went, and an `@name` was checked against no list.
 * Now only the latest request's answer is applied.
 *
 * Deterministic: the old request is held (page.route) until the new token's
 * request was answered and its chips shown, then let through to the server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page, Request, Route } from 'playwright-core';
import { HAVE_CHROMIUM, launchChromium, watchPage } from './browser.js';
import { startServer, stopAll, type ServerHandle } from './harness.js';
import { twoTokensYaml } from './two-tokens.js';

const WRITE = 'write-token-for-the-saved-queries-token-test';
const OLD_READ = 'old-read-token-for-the-saved-queries-token-test';
const NEW_READ = 'new-read-token-for-the-saved-queries-token-test';
const SAVED = "saved_queries:\n  web: 'host:web-1'\n";

describe('search page: saved queries asked under an old token (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 120_000 }, () => {
  let srv: ServerHandle;
  let browser: Browser;
  let page: Page;
  let problems: string[] = [];

  before(async () => {
    srv = await startServer({ configYaml: twoTokensYaml(WRITE, OLD_READ) + SAVED });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    problems = watchPage(page);
  });

  after(async () => {
    await browser?.close();
    await stopAll();
  });

  const dialog = () => page.getByRole('dialog', { name: 'Read token' });
  const chips = () => page.getByRole('navigation', { name: 'Saved queries' }).locator('.chip').allInnerTexts();
  const go = (q: string) => page.evaluate(`history.pushState(null, '', '?' + new URLSearchParams({ q: ${JSON.stringify(q)}, from: 'now-1h', to: 'now' })); dispatchEvent(new PopStateEvent('popstate'))`);
  const giveToken = async (token: string) => {
    await dialog().getByLabel('Token').fill(token);
    await dialog().getByRole('button', { name: 'Use token' }).click();
  };
  const webChip = () => page.getByRole('navigation', { name: 'Saved queries' }).getByRole('button', { name: '@web' });

  test("the old token's list request finishing last does not take the new token's list away", async () => {
    await page.goto(`${srv.url}/?q=&from=now-1h&to=now`);
    await giveToken(OLD_READ);
    await webChip().waitFor();

    // The server's tokens changed (a restart with another config): the old one is refused now.
    await srv.stop('SIGTERM');
    srv = await startServer({ dataDir: srv.dataDir, port: srv.port, configYaml: twoTokensYaml(WRITE, NEW_READ) + SAVED });

    // The next list request (an `@name` the page's copy lacks asks for it) is held before the server.
    let held: { route: Route; request: Request } | null = null;
    let heldSeen!: () => void;
    const heldNow = new Promise<void>((r) => { heldSeen = r; });
    await page.route('**/api/v1/queries', async (route, request) => {
      if (held === null) {
        held = { route, request };
        heldSeen();
        return;
      }
      await route.continue();
    });
    await go('@nothere');
    await heldNow;
    assert.equal(held!.request.headers().authorization, `Bearer ${OLD_READ}`);

    // Another search, sent under the old token: refused, the prompt comes back.
    await go('');
    await dialog().waitFor();
    const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/queries' && r.status() === 200);
    await giveToken(NEW_READ);
    assert.equal((await answered).request().headers().authorization, `Bearer ${NEW_READ}`);
    await webChip().waitFor();

    // Now the old request goes to the server and is refused; the page has read its answer.
    const finished = page.waitForEvent('requestfinished', (r) => r === held!.request);
    await held!.route.continue();
    const oldAnswer = await (await finished).response();
    assert.equal(oldAnswer?.status(), 401);
    // A frame and a task after its body came: its handlers and the render they cause have run.
    await page.evaluate('new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)))');
    const shown = await chips();
    assert.ok(shown.includes('@web'), `the new token's list stays: ${JSON.stringify(shown)}`);

    assert.equal(await dialog().count(), 0, 'the old request refused does not ask for a token again');
    assert.deepEqual(problems.filter((p) => !/Failed to load resource/.test(p)), []);
  });
});
