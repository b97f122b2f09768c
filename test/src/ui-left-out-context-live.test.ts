/**
 * The lines around an event and live's replay from the store, over
 * partitions the store could not read, on a real server: the page says them
 * as it says a search's (the "Incomplete results" notice, each day with its
 * cause and code). The server has put them in the context answer's
 * `warnings` and the tail's `event: warning` frames since 2026-12-07; the
 * page read neither, and the lines stopped at a damaged day as if the log
 * began there, and live's replay after a server restart went past a damaged
 * day without a word.
 *
 * Context: left-out-days.ts (a damaged day and one the server's user may
 * not open, before the kept day). Live: a page following today's events,
 * the server stopped, today's partition file damaged, the server started
 * again on the same port; the page's stream resumes from a mark the new run
 * cannot answer, so the server replays by time from the store and says the
 * damaged partition it read past.
 */
import assert from 'node:assert/strict';
import { closeSync, openSync, readdirSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { HAVE_CHROMIUM, launchChromium, screenshot } from './browser.js';
import { chownTree, NOBODY } from './file-owner.js';
import { ingest, removeDir, startServer, stopAll, tempDir } from './harness.js';
import { startWithLeftOutDays, type LeftOutDays } from './left-out-days.js';
import { PAGE_WAIT_MS, recentLines, waitForTotal } from './ui-support.js';

const DAMAGED_WORDS = 'its file is damaged: restore it from a backup or move it aside';

async function newPage(browser: Browser): Promise<Page> {
  // UTC, so the ranges in the URLs are the days the partitions are named after.
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, timezoneId: 'UTC' });
  context.setDefaultTimeout(PAGE_WAIT_MS);
  return context.newPage();
}

describe('search page: partitions left out of the lines around an event and of live (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 240_000 }, () => {
  const roots: string[] = [];
  let browser: Browser | undefined;

  before(async () => {
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await stopAll();
    for (const root of roots) await removeDir(root);
  });

  test('"Lines around" the kept day\'s first event says the damaged and the denied day its reads went through', async () => {
    const root = await tempDir('logship-ui-context-warnings-');
    roots.push(root);
    const days: LeftOutDays = await startWithLeftOutDays(root);
    const page = await newPage(browser!);
    await page.goto(`${days.server.url}/?${new URLSearchParams({ q: '', ...days.keptOnly, sort: 'asc' })}`);
    await waitForTotal(page, 2);
    // The search over the kept day alone answers without warnings: the notice below is the dialog's own.
    assert.equal(await page.locator('.incomplete').count(), 0);
    const row = page.locator('.results [data-index="0"]');
    assert.equal(await row.locator('.message').innerText(), days.kept.messages[0]);
    await row.locator('.message').click();
    await row.getByRole('button', { name: 'Lines around' }).click();
    const dialog = page.getByRole('dialog', { name: 'Context' });
    await dialog.locator('li[aria-current="true"]').waitFor();
    const notice = dialog.getByRole('status').filter({ hasText: 'Incomplete results' });
    await notice.waitFor();
    assert.match(await notice.innerText(), /2 partitions of the time around this event could not be read; their events are left out of these lines/);
    const items = notice.locator('li');
    assert.deepEqual(await items.evaluateAll((els) => els.map((e) => [e.getAttribute('data-partition'), e.getAttribute('data-code')])), [
      [days.damaged.partition, days.damaged.code],
      [days.denied.partition, days.denied.code],
    ]);
    const [damaged, denied] = await items.allInnerTexts();
    assert.equal(damaged, `${days.damaged.day} (UTC), class default: ${DAMAGED_WORDS} (${days.damaged.code})`);
    assert.equal(denied, `${days.denied.day} (UTC), class default: the server's user may not open its file: chown it back to that user (${days.denied.code})`);
    // The lines themselves: the anchor first (nothing before it could be read), then the kept day's next ones.
    assert.deepEqual(await dialog.locator('.context-rows .message').allInnerTexts(), days.kept.messages);
    await screenshot(page, 'context-incomplete');
    await page.context().close();
  });

  test('live, resumed after a restart with today\'s partition damaged, says it beside its status, once; a new search clears it', async () => {
    const root = await tempDir('logship-ui-live-warnings-');
    roots.push(root);
    const asRoot = process.getuid?.() === 0;
    const as = asRoot ? { as: { uid: NOBODY, gid: NOBODY } } : {};
    const dataDir = join(root, 'data');
    if (asRoot) chownTree(root, NOBODY);
    const first = await startServer({ dataDir, ...as });
    assert.equal((await ingest(first.url, recentLines(3, 1000, (i) => ({ 'event.id': `live-${i}`, message: `before restart ${i}` })))).stored, 3);
    const page = await newPage(browser!);
    await page.goto(`${first.url}/?${new URLSearchParams({ q: '', from: 'now-1h', to: 'now', live: '1' })}`);
    await waitForTotal(page, 3);
    await page.locator('.rate[data-live="open"]').waitFor();

    assert.equal(await first.stop('SIGTERM'), 0);
    // Every partition there is (today's; yesterday's too if the events straddle midnight): its header overwritten.
    const folder = join(dataDir, 'blocks');
    const files = readdirSync(folder).filter((f) => f.endsWith('.db'));
    assert.ok(files.length > 0, `no partition in ${folder}`);
    for (const f of files) {
      const fd = openSync(join(folder, f), 'r+');
      writeSync(fd, Buffer.alloc(16, 0x5a), 0, 16, 0);
      closeSync(fd);
    }
    const second = await startServer({ dataDir, port: first.port, ...as });

    const notice = page.locator('[data-notice="live"]').getByText('Incomplete results');
    await notice.waitFor();
    const live = page.locator('[data-notice="live"]');
    assert.match(await live.innerText(), /of the time live replayed could not be read; (its|their) events are left out of what live sent/);
    const items = live.locator('li');
    const said = await items.evaluateAll((els) => els.map((e) => [e.getAttribute('data-partition'), e.getAttribute('data-code')]));
    // Once each, though a resumed stream may say one again.
    assert.equal(new Set(said.map(([p]) => p)).size, said.length, JSON.stringify(said));
    assert.ok(said.length > 0 && said.every(([p, code]) => files.includes(p!) && code === 'LS_STORE_CORRUPT_PARTITION'), JSON.stringify(said));
    for (const text of await items.allInnerTexts()) assert.match(text, new RegExp(`\\(UTC\\), class default: ${DAMAGED_WORDS} \\(LS_STORE_CORRUPT_PARTITION\\)$`));
    // Live is back and its status is above the notice, the hits below it.
    await page.locator('.rate[data-live="open"]').waitFor();
    const [status, box, list] = await Promise.all(['.rate', '[data-notice="live"] .incomplete', '.results'].map((s) => page.locator(s).boundingBox()));
    assert.ok(status!.y < box!.y && box!.y < list!.y, JSON.stringify({ status, box, list }));
    await screenshot(page, 'live-incomplete');

    // Run again, the search says the damaged day itself and live starts
    // anew from its answer (the new run's mark: nothing read from the store),
    // so the live notice goes.
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.locator('[data-notice="search"] .incomplete').waitFor();
    await page.locator('.rate[data-live="open"]').waitFor();
    await page.locator('[data-notice="live"] .incomplete').waitFor({ state: 'detached' });
    await page.context().close();
    assert.equal(await second.stop('SIGTERM'), 0);
  });
});
