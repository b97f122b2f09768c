/**
 * Oldest first, as Kibana's Discover (the time column's sort) and Grafana
 * (Logs: oldest first) offer it: the rows are the API's sort=asc answer,
 * paged through its cursors, the order is in the URL, the context view
 * keeps it, and live events go at the end once the last page is there.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { HAVE_CHROMIUM } from './browser.js';
import { ingest, searchAll, type ServerHandle } from './harness.js';
import { waitForTotal, pageSuite } from './ui-support.js';

const COUNT = 230;

/** Every row id the list renders, scrolling it to its end. */
async function allRowIds(page: Page): Promise<string[]> {
  const byIndex = new Map<number, string>();
  await page.evaluate(`document.querySelector('.results').scrollTop = 0`);
  for (let step = 0; step < 200; step++) {
    const rows = await page.$$eval('.results [data-event-id]', (els) => els.map((e) => [Number(e.getAttribute('data-index')), e.getAttribute('data-event-id')!] as const));
    for (const [i, id] of rows) byIndex.set(i, id);
    const done = await page.evaluate(`(() => {
      const el = document.querySelector('.results');
      const atEnd = el.scrollTop + el.clientHeight >= el.scrollHeight - 2;
      el.scrollTop += el.clientHeight * 0.8;
      return atEnd && !!document.querySelector('.more.end');
    })()`);
    if (done) break;
    await page.waitForTimeout(40);
  }
  return [...byIndex.keys()].sort((a, b) => a - b).map((i) => byIndex.get(i)!);
}

describe('search page: oldest first (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 90_000 }, () => {
  let srv: ServerHandle;
  let page: Page;
  let problems: string[] = [];
  const order = () => page.getByLabel('Order');

  pageSuite({
    seed: async (srv) => {
      const end = Date.now() - 5_000;
      // Pairs share a millisecond: the order within one is event.id's, both ways.
      await ingest(srv.url, Array.from({ length: COUNT }, (_, i) => JSON.stringify({
        '@timestamp': new Date(end - Math.floor(i / 2) * 10_000).toISOString(), level: 'info', host: 'web-1', source: 'app', message: `line ${i}`,
      })));
    },
  }, (s) => ({ srv, page, problems } = s));

  test('Oldest first: the API\'s sort=asc rows over every page; the URL says so; back is newest first again', async () => {
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date().toISOString();
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from, to })}`);
    await waitForTotal(page, COUNT);
    assert.equal(await order().inputValue(), 'desc');
    await order().selectOption('asc');
    await page.waitForFunction(`new URL(location.href).searchParams.get('sort') === 'asc'`);
    await page.waitForFunction(`document.querySelector('.results [data-index="0"] .message')?.textContent === 'line ${COUNT - 1}' || document.querySelector('.results [data-index="0"] .message')?.textContent === 'line ${COUNT - 2}'`);
    const asc = (await searchAll(srv.url, '', { from, to, sort: 'asc' })).map((e) => e['event.id']);
    assert.equal(asc.length, COUNT);
    assert.deepEqual(await allRowIds(page), asc, 'every hit, in the API\'s oldest-first order');
    await page.reload();
    await waitForTotal(page, COUNT);
    assert.equal(await order().inputValue(), 'asc');
    await page.goBack();
    await page.waitForFunction(`new URL(location.href).searchParams.get('sort') === null`);
    assert.equal(await order().inputValue(), 'desc');
    const desc = (await searchAll(srv.url, '', { from, to })).map((e) => e['event.id']);
    assert.deepEqual(await allRowIds(page), desc);
    assert.deepEqual(problems, []);
  });

  test('the context view keeps the order', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from: 'now-1h', to: 'now', sort: 'asc' })}`);
    await waitForTotal(page, COUNT);
    const row = page.locator('.results [data-index="5"]');
    await row.locator('.line').click();
    await row.getByRole('button', { name: 'Lines around' }).click();
    const dialog = page.getByRole('dialog', { name: 'Context' });
    await dialog.locator('.anchor').waitFor();
    const times = await dialog.locator('time').evaluateAll((els) => els.map((e) => Date.parse(e.getAttribute('datetime')!)));
    assert.ok(times.length > 5);
    assert.deepEqual(times, [...times].sort((a, b) => a - b), 'oldest first');
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  test('live, oldest first: an event arriving after the last page goes at the end', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: 'message:"line 1" OR message:"line 2" OR message:tail', from: 'now-1h', to: 'now', sort: 'asc' })}`);
    await waitForTotal(page, 2);
    await page.getByRole('button', { name: 'Live' }).click();
    await page.locator('[data-live="open"]').waitFor();
    await ingest(srv.url, [JSON.stringify({ '@timestamp': new Date().toISOString(), level: 'info', host: 'web-1', message: 'tail arrived' })]);
    await page.waitForFunction(`document.querySelector('.results [data-index="2"] .message')?.textContent === 'tail arrived'`);
    assert.deepEqual(await page.locator('.results .message').allInnerTexts(), ['line 2', 'line 1', 'tail arrived']);
  });

  test('live, oldest first, pages still to load: the event waits for the last page and comes after it, once', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: 'NOT message:tail', from: 'now-1h', to: 'now', sort: 'asc' })}`);
    await waitForTotal(page, COUNT);
    await page.getByRole('button', { name: 'Live' }).click();
    await page.locator('[data-live="open"]').waitFor();
    const late = { '@timestamp': new Date().toISOString(), level: 'info', host: 'web-1', message: 'late arrival' };
    await ingest(srv.url, [JSON.stringify(late)]);
    const lateId = async () => (await searchAll(srv.url, 'message:late', { from: 'now-1h', to: 'now' }))[0]?.['event.id'];
    let id: unknown;
    for (let i = 0; i < 50 && id === undefined; i++) id = await lateId();
    // The stream has it (the rate counts it) before the list is at its end.
    await page.waitForFunction(`!/live, 0[.]0 /.test(document.querySelector('.rate')?.textContent ?? 'live, 0.0 ')`);
    assert.equal(await page.locator('.results .message', { hasText: 'late arrival' }).count(), 0, 'not among the first page');
    const ids = await allRowIds(page);
    assert.equal(ids.length, COUNT + 1);
    assert.equal(ids[ids.length - 1], id, 'last, after every page');
    assert.equal(ids.filter((x) => x === id).length, 1);
  });
});
