/**
 * Download of the results, as Kibana (CSV) and Grafana ("Download logs")
 * offer it: the page had none, and copying rows one JSON at a time was the
 * only way out. Download gives every hit of the search shown (its query and
 * resolved range, in its order), not only the rows scrolled into the list:
 * NDJSON, one event a line as the API answers them, or CSV, a column a field,
 * with cells a spreadsheet would run as formulas defused.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { HAVE_CHROMIUM } from './browser.js';
import { ingest, searchAll, type ServerHandle } from './harness.js';
import { waitForTotal, pageSuite, recentLines } from './ui-support.js';

const COUNT = 250;

/** RFC 4180 rows (quoted cells may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++; } else cell += c;
  }
  return rows;
}

describe('search page: download the results (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 90_000 }, () => {
  let srv: ServerHandle;
  let page: Page;
  let problems: string[] = [];

  pageSuite({
    seed: (srv) => ingest(srv.url, recentLines(COUNT, 10_000, (i) => ({
      level: i % 4 ? 'info' : 'error',
      host: `web-${i % 2}`,
      ...(i % 10 === 0 ? { user: 'alice' } : {}),
      message: i === 4 ? '=HYPERLINK("http://x","click"), said "bob"\nsecond line' : `line ${i}`,
    }))),
  }, (s) => ({ srv, page, problems } = s));

  async function download(label: RegExp): Promise<string> {
    await page.locator('details.export summary').click();
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: label }).click()]);
    return readFile((await file.path())!, 'utf8');
  }

  test('NDJSON: every hit of the search, past the rows loaded, in the page\'s order', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from: 'now-1h', to: 'now' })}`);
    await waitForTotal(page, COUNT);
    assert.ok((await page.locator('.results [data-event-id]').count()) < COUNT, 'the list has loaded a first page only');
    const text = await download(/^NDJSON/);
    const events = text.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const api = await searchAll(srv.url, '', { from: 'now-1h', to: 'now' });
    assert.deepEqual(events.map((e) => e['event.id']), api.map((e) => e['event.id']));
    assert.deepEqual(events[0], api[0]);
    assert.deepEqual(problems, []);
  });

  test('in live mode the download holds the events live added, as the list and the total do', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: 'host:web-0', from: 'now-1h', to: 'now' })}`);
    const before = (await searchAll(srv.url, 'host:web-0', { from: 'now-1h', to: 'now' })).length;
    await waitForTotal(page, before);
    await page.getByRole('button', { name: 'Live' }).click();
    await page.locator('[data-live="open"]').waitFor();
    await ingest(srv.url, [JSON.stringify({ '@timestamp': new Date().toISOString(), level: 'info', host: 'web-0', message: 'arrived live' })]);
    await waitForTotal(page, before + 1);
    const events = (await download(/^NDJSON/)).trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(events.length, before + 1);
    assert.equal(events[0]!.message, 'arrived live');
    await page.getByRole('button', { name: 'Live' }).click();
  });

  test('CSV: a column a field, @timestamp first and message last; quotes, commas, line breaks and formulas kept safe', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: 'level:error', from: 'now-1h', to: 'now', sort: 'asc' })}`);
    const api = await searchAll(srv.url, 'level:error', { from: 'now-1h', to: 'now', sort: 'asc' });
    await waitForTotal(page, api.length);
    const rows = parseCsv(await download(/^CSV/));
    const [head, ...body] = rows;
    assert.deepEqual(head, ['@timestamp', 'event.id', 'host', 'level', 'user', 'message']);
    assert.equal(body.length, api.length);
    // An id starting with `-` is defused too (Kibana's rule: = + - @; a negative number stays), as a spreadsheet would read it as a formula.
    const asCell = (id: unknown) => (/^-\D/.test(String(id)) ? `'${String(id)}` : String(id));
    assert.deepEqual(body.map((r) => r[1]), api.map((e) => asCell(e['event.id'])), 'oldest first, as the page shows them');
    const formula = body.find((r) => r[5]!.includes('HYPERLINK'))!;
    assert.equal(formula[5], `'=HYPERLINK("http://x","click"), said "bob"\nsecond line`);
    assert.ok(body.some((r) => r[4] === 'alice') && body.some((r) => r[4] === ''), 'a field some events lack is an empty cell');
  });

  test('CSV with columns chosen: time, those columns in their order, message, as the table shows them', async () => {
    // It wrote every field whatever the table showed.
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: 'level:error', from: 'now-1h', to: 'now', sort: 'asc', cols: 'user,host' })}`);
    const api = await searchAll(srv.url, 'level:error', { from: 'now-1h', to: 'now', sort: 'asc' });
    await waitForTotal(page, api.length);
    const [head, ...body] = parseCsv(await download(/^CSV/));
    assert.deepEqual(head, ['@timestamp', 'user', 'host', 'message']);
    assert.deepEqual(body, api.map((e) => [
      String(e['@timestamp']), String(e.user ?? ''), String(e.host),
      String(e.message).startsWith('=') ? `'${String(e.message)}` : String(e.message),
    ]));
    // message chosen itself: where it was put, not twice.
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: 'level:error', from: 'now-1h', to: 'now', cols: 'message,host' })}`);
    await waitForTotal(page, api.length);
    assert.deepEqual(parseCsv(await download(/^CSV/))[0], ['@timestamp', 'message', 'host']);
    assert.deepEqual(problems, []);
  });

  test('a search that found nothing: Download says so and saves no empty file', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: 'host:nowhere', from: 'now-1h', to: 'now' })}`);
    await waitForTotal(page, 0);
    let downloads = 0;
    const count = () => { downloads++; };
    page.on('download', count);
    await page.locator('details.export summary').click();
    await page.getByRole('button', { name: /^NDJSON/ }).click();
    await page.locator('.export-status').getByText('Nothing to download: the search found no events').waitFor({ timeout: 10_000 });
    page.off('download', count);
    assert.equal(downloads, 0);
    assert.deepEqual(problems, []);
  });
});
