/**
 * A search over a range the store answers only in part (left-out-days.ts:
 * a damaged day, LS_STORE_CORRUPT_PARTITION, and one the server's user
 * may not open, LS_STORE_PARTITION_DENIED): the page shows the rest with
 * a notice beside the hit count, in a live region, naming each left-out
 * day and class with its cause and code, once, though the search and its
 * three histograms each named both. A later search over a range without
 * them answers with none and the notice goes. The page said nothing: a
 * day was silently missing from the hits, the count and the bars.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { HAVE_CHROMIUM, launchChromium, screenshot, watchPage } from './browser.js';
import { removeDir, stopAll, tempDir } from './harness.js';
import { startWithLeftOutDays, type LeftOutDays } from './left-out-days.js';
import { PAGE_WAIT_MS, waitForTotal } from './ui-support.js';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

describe('search page: partitions left out of the answers (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 180_000 }, () => {
  let root: string;
  let days: LeftOutDays;
  let browser: Browser | undefined;
  let page: Page;
  let problems: string[] = [];
  /** The page's search and aggregate answers that carried warnings, by path; `read` their bodies' reads. */
  const warned: string[] = [];
  const read: Promise<void>[] = [];

  before(async () => {
    root = await tempDir('logship-ui-warnings-');
    days = await startWithLeftOutDays(root);
    browser = await launchChromium();
    // UTC, so the range typed in the time picker is the ISO one.
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, timezoneId: 'UTC' });
    context.setDefaultTimeout(PAGE_WAIT_MS);
    page = await context.newPage();
    problems = watchPage(page);
    page.on('response', (res) => {
      const path = new URL(res.url()).pathname;
      if (path !== '/api/v1/search' && path !== '/api/v1/aggregate') return;
      read.push(res.json().then((body: { warnings?: unknown[] }) => { if ((body.warnings ?? []).length > 0) warned.push(path); }, () => {}));
    });
  });

  after(async () => {
    await browser?.close();
    await stopAll();
    await removeDir(root);
  });

  /** Waits until the search's histograms have answered: then every answer of the search has come. */
  async function settled(): Promise<void> {
    await page.locator('.histogram[data-loading="false"]').waitFor();
  }

  test('the other day is shown, with one notice naming each left-out day, its cause and code', async () => {
    await page.goto(`${days.server.url}/?${new URLSearchParams({ q: '', ...days.all })}`);
    await waitForTotal(page, days.kept.messages.length);
    await settled();
    const notice = page.getByRole('status').filter({ hasText: 'Incomplete results' });
    await notice.waitFor();
    assert.match(await notice.innerText(), /2 partitions of this range could not be read; their events are left out of the hits, the count and the histogram/);
    await Promise.all(read);
    assert.ok(warned.includes('/api/v1/search') && warned.filter((p) => p === '/api/v1/aggregate').length >= 1, `answers with warnings: ${warned.join(', ')}`);
    const items = notice.locator('li');
    assert.deepEqual(await items.evaluateAll((els) => els.map((e) => [e.getAttribute('data-partition'), e.getAttribute('data-code')])), [
      [days.damaged.partition, days.damaged.code],
      [days.denied.partition, days.denied.code],
    ]);
    const [damaged, denied] = await items.allInnerTexts();
    assert.equal(damaged, `${days.damaged.day} (UTC), class default: its file is damaged: restore it from a backup or move it aside (${days.damaged.code})`);
    assert.equal(denied, `${days.denied.day} (UTC), class default: the server's user may not open its file: chown it back to that user (${days.denied.code})`);
    // Beside the hit count, not under the list.
    const [summary, box, list] = await Promise.all(['.summary', '.incomplete', '.results'].map((s) => page.locator(s).boundingBox()));
    assert.ok(summary!.y < box!.y && box!.y < list!.y, JSON.stringify({ summary, box, list }));
    assert.deepEqual(await page.locator('.results .message').allInnerTexts(), [...days.kept.messages].reverse());
    await screenshot(page, 'incomplete-notice');
    // Readable in both schemes (axe's contrast and ARIA rules, over the notice alone).
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.addScriptTag({ path: AXE });
      const found = await page.evaluate(`axe.run('.incomplete-region', { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } }).then((r) => r.violations.map((v) => v.id))`);
      assert.deepEqual(found, [], scheme);
    }
    assert.deepEqual(problems, []);
  });

  test('a later search over a range without them answers with none: the notice goes', async () => {
    await page.getByRole('button', { name: 'Time range' }).click();
    await page.getByLabel('From', { exact: true }).fill(days.keptOnly.from);
    await page.getByLabel('To', { exact: true }).fill(days.keptOnly.to);
    await page.getByRole('button', { name: 'Apply' }).click();
    await waitForTotal(page, 2);
    await settled();
    assert.equal(await page.locator('.incomplete').count(), 0);
    assert.equal(await page.locator('.incomplete-region[role="status"]').innerText(), '');
    // And back: the notice again, as before.
    await page.goBack();
    await waitForTotal(page, days.kept.messages.length);
    await settled();
    assert.equal(await page.locator('.incomplete li').count(), 2);
    assert.deepEqual(problems, []);
  });
});
