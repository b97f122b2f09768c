/**
 * The page's "Incomplete results" notice words each left-out part's cause
 * (answer-warnings.ts causeWords), for the causes ui-answer-warnings does
 * not make: a day whose file another process holds locked
 * (LS_STORE_PARTITION_LOCKED, the lock taken before the server opens the
 * file at its start, as server-locked-partition does), and an
 * Elasticsearch index whose shard fails (LS_ES_SHARDS_FAILED, made as
 * es-shard-failures does), which the notice counts as an index, not a
 * partition. Both fell back to the server's whole message (~400
 * characters for a shard failure, with Elasticsearch's advice on
 * fielddata), and an index was called "1 partition".
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { HAVE_CHROMIUM, launchChromium, watchPage } from './browser.js';
import { ingest, removeDir, startServer, stopAll, tempDir, type ServerHandle } from './harness.js';
import { openSqlite, type SqliteFile } from './sqlite-file.js';
import { PAGE_WAIT_MS, waitForTotal } from './ui-support.js';

const DAY = 86_400_000;
const ES_URL = process.env.LOGSHIP_TEST_ES_URL;
if (!ES_URL && process.env.CI === 'true') throw new Error('CI=true but LOGSHIP_TEST_ES_URL is not set: scripts/test.sh starts Elasticsearch');
if (!ES_URL) console.warn('WARNING: LOGSHIP_TEST_ES_URL is not set: the notice\'s Elasticsearch test is SKIPPED');

let browser: Browser | undefined;
after(async () => {
  await browser?.close();
  await stopAll();
});

async function openPage(): Promise<{ page: Page; problems: string[] }> {
  browser ??= await launchChromium();
  // UTC, so the days named are the ISO ones.
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, timezoneId: 'UTC' });
  context.setDefaultTimeout(PAGE_WAIT_MS);
  const page = await context.newPage();
  return { page, problems: watchPage(page) };
}

/** The notice's lead sentence and its items' texts, once the search and its histograms have answered. */
async function notice(page: Page, url: string, total: number): Promise<{ lead: string; items: string[]; titles: (string | null)[] }> {
  await page.goto(url);
  await waitForTotal(page, total);
  await page.locator('.histogram[data-loading="false"]').waitFor();
  const box = page.getByRole('status').filter({ hasText: 'Incomplete results' });
  await box.waitFor();
  const items = box.locator('li');
  return {
    lead: await box.locator('p').innerText(),
    items: await items.allInnerTexts(),
    titles: await items.evaluateAll((els) => els.map((e) => e.getAttribute('title'))),
  };
}

describe('the incomplete-results notice words a locked day and a failed Elasticsearch index (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 240_000 }, () => {
  test('a day whose file another process holds locked: said so, and that it is searched again once that process lets go', async () => {
    const root = await tempDir('logship-ui-locked-');
    let lock: SqliteFile | undefined;
    try {
      const dataDir = join(root, 'data');
      const base = Math.floor(Date.now() / DAY) * DAY;
      const noonOf = (back: number): number => base - back * DAY + DAY / 2;
      const day = new Date(noonOf(2)).toISOString().slice(0, 10);
      const line = (run: string, back: number, i: number): string =>
        JSON.stringify({ '@timestamp': new Date(noonOf(back) + i * 1000).toISOString(), 'event.id': `${run}-${i}`, message: `${run} ${i}`, run });
      const first = await startServer({ dataDir });
      const lines = [0, 1].map((i) => line('locked', 2, i)).concat([0, 1, 2].map((i) => line('kept', 1, i)));
      assert.equal((await ingest(first.url, lines)).stored, lines.length);
      assert.equal(await first.stop('SIGTERM'), 0);
      // Held before the server starts: the lock bites when the server opens the file.
      lock = openSqlite(join(dataDir, 'blocks', `${day}.default.db`));
      lock.pragma('locking_mode = EXCLUSIVE');
      lock.exec('BEGIN IMMEDIATE; COMMIT');
      const server = await startServer({ dataDir, port: first.port });
      const { page, problems } = await openPage();
      const said = await notice(page, `${server.url}/?${new URLSearchParams({ q: '', from: new Date(noonOf(4)).toISOString(), to: new Date(base).toISOString() })}`, 3);
      assert.match(said.lead, /^Incomplete results: one partition of this range could not be read; its events are left out/);
      assert.deepEqual(said.items, [
        `${day} (UTC), class default: another process holds its file locked (an sqlite3 session, a backup): it is searched again once that process lets go (LS_STORE_PARTITION_LOCKED)`,
      ]);
      // The server's own words stay at hand, in the item's title.
      assert.ok(said.titles[0]?.includes('is locked by another process'), String(said.titles[0]));
      assert.deepEqual(problems, []);
      await page.context().close();
    } finally {
      lock?.close();
      await stopAll();
      await removeDir(root);
    }
  });

  describe('Elasticsearch', { skip: !ES_URL }, () => {
    let root: string;
    let server: ServerHandle;
    const prefix = `e2e-ui-shards-${process.pid}`;
    const now = Date.now();
    const today = Math.floor(now / DAY) * DAY;
    const yesterday = today - DAY;
    const oldIndex = `${prefix}-default-${new Date(yesterday).toISOString().slice(0, 10).replaceAll('-', '.')}`;

    async function es(path: string, method: string, body?: unknown): Promise<void> {
      const res = await fetch(`${ES_URL}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      assert.ok(res.ok, `${method} ${path} → ${res.status}: ${await res.text()}`);
    }

    before(async () => {
      root = await tempDir('logship-ui-es-shards-');
      server = await startServer({ dataDir: join(root, 'data'), configYaml: `store: { type: elasticsearch, url: "${ES_URL}", index_prefix: ${prefix}, replicas: 0 }\n` });
      const line = (ts: number, msg: string): string => JSON.stringify({ time: new Date(ts).toISOString(), level: 'info', msg });
      // Today's first: the store installs its template before it writes.
      assert.equal((await ingest(server.url, [1, 2].map((i) => line(Math.max(today, now - 60_000) + i * 100, `today ${i}`)))).stored, 2);
      // Yesterday's index with event.id mapped as text: the page's sort on it fails on that index's shard.
      await es(`/${oldIndex}`, 'PUT', { settings: { number_of_shards: 1, number_of_replicas: 0 }, mappings: { properties: { 'event.id': { type: 'text' } } } });
      assert.equal((await ingest(server.url, [1, 2].map((i) => line(yesterday + 12 * 3_600_000 + i * 1000, `yesterday ${i}`)))).stored, 2);
      await es(`/${prefix}-*/_refresh`, 'POST');
    });

    after(async () => {
      await stopAll();
      await fetch(`${ES_URL}/${prefix}-*`, { method: 'DELETE' }).catch(() => {});
      await fetch(`${ES_URL}/_index_template/${prefix}-logship`, { method: 'DELETE' }).catch(() => {});
      await removeDir(root);
    });

    test('an index whose shard fails: counted as an index, with how many shards failed and the reason\'s first sentence', async () => {
      const { page, problems } = await openPage();
      const said = await notice(page, `${server.url}/?${new URLSearchParams({ q: '', from: new Date(yesterday).toISOString(), to: new Date(now + 60_000).toISOString() })}`, 2);
      assert.match(said.lead, /^Incomplete results: one index of this range could not be read; its events are left out/);
      assert.deepEqual(said.items, [`${oldIndex}: 1 of 2 shards failed: Fielddata is disabled on [event.id] in [${oldIndex}]. (LS_ES_SHARDS_FAILED)`]);
      assert.ok(said.titles[0]?.includes('illegal_argument_exception') && said.titles[0].includes('left out of this answer'), String(said.titles[0]));
      assert.deepEqual(problems, []);
      await page.context().close();
    });
  });
});
