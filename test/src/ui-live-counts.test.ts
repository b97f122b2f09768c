/**
 * Live mode keeps the figures above the results current. Before, the total
 * and the histogram stayed at the first search's numbers while live rows
 * came in on top of the list: 40 hits and 40 in the bars over a list of 43.
 * Now every event live adds (on top, or waiting behind "N new") counts in
 * the total, in its bar (errors and warnings in their colours) and in the
 * field list, and the figures are the API's for the same query up to now.
 * A late event (stamped inside the range) committed after the search began
 * but before the histogram's or the field list's read was in their answer
 * and, sent by live, added again: 53 bars for 52 events. Each answer now
 * says up to which commit it counts (`commit_mark`) and each live event
 * which commit it came in, and the page adds only the others.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page, Route } from 'playwright-core';
import { HAVE_CHROMIUM } from './browser.js';
import { ingest, waitFor, type ServerHandle } from './harness.js';
import { apiTotal, waitForTotal, pageSuite, recentLines } from './ui-support.js';

describe('search page: live mode keeps the total and the histogram current (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 90_000 }, () => {
  let srv: ServerHandle;
  let page: Page;
  let problems: string[] = [];
  const SEEDED = 40;

  pageSuite({
    seed: (srv) => ingest(srv.url, recentLines(SEEDED, 20_000, (i) => ({ level: i % 4 === 0 ? 'error' : 'info', host: 'web-1', message: `seeded ${i}` }))),
  }, (s) => ({ srv, page, problems } = s));

  const line = (message: string, level = 'info', host = 'web-1') => JSON.stringify({ '@timestamp': new Date().toISOString(), level, host, message });
  const histogramSum = () => page.locator('.histogram').getAttribute('data-sum');
  const waitForSum = (n: number) => page.waitForFunction(`document.querySelector('.histogram')?.dataset.sum === '${n}'`)
    .catch(async (err: Error) => { throw new Error(`histogram sum ${await histogramSum()}, expected ${n}: ${err.message}`); });

  test('events arriving live add to the total and to the histogram, as the API counts them', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: 'host:web-1', from: 'now-15m', to: 'now' })}`);
    await waitForTotal(page, SEEDED);
    await waitForSum(SEEDED);
    const errorsBefore = Number(await page.locator('.histogram').getAttribute('data-errors'));
    await page.getByRole('button', { name: 'Live' }).click();
    await page.locator('[data-live="open"]').waitFor();
    // An open field's top values count live events too (they stayed the search's).
    await page.locator('.sidebar li[data-field="level"] .field-head .link').click();
    const levelCounts = async (): Promise<Record<string, string>> => {
      const items = page.getByRole('list', { name: 'Top values of level' }).locator('li');
      const out: Record<string, string> = {};
      for (const li of await items.all()) {
        const text = (await li.innerText()).trim();
        const value = await li.locator('.value').count() > 0 ? await li.locator('.value').innerText() : text.split(':')[0]!;
        out[value] = (await li.locator('.count').count()) > 0 ? await li.locator('.count').innerText() : text;
      }
      return out;
    };
    await page.getByRole('list', { name: 'Top values of level' }).locator('.value').first().waitFor();
    const before = await levelCounts();
        // The chart takes the new counts; it is not made again (which dropped a drag or tooltip in progress).
    await page.evaluate(`document.querySelector('.histogram .u-over').dataset.before = 'live'`);
    await ingest(srv.url, [line('live one', 'error'), line('elsewhere', 'error', 'web-2'), line('live two', 'warning'), line('live three')]);
    await page.waitForFunction(`document.querySelector('.results [data-index="0"] .message')?.textContent === 'live three'`);
    await waitForTotal(page, SEEDED + 3, 5_000);
    await waitForSum(SEEDED + 3);
    assert.equal(await apiTotal(srv, 'host:web-1', 'now-15m', 'now'), SEEDED + 3);
    assert.equal(Number(await page.locator('.histogram').getAttribute('data-errors')), errorsBefore + 1);
    assert.equal(Number(await page.locator('.histogram').getAttribute('data-warnings')), 1);
    assert.equal(await page.locator('.histogram .u-over').getAttribute('data-before'), 'live', 'the same chart, redrawn');
    const num = (x: string | undefined) => Number((x ?? '0').replace(/[^0-9]/g, ''));
    await page.waitForFunction(`[...document.querySelectorAll('.sidebar li[data-field="level"] .values li')].some((li) => li.textContent.startsWith('other'))`);
    const after = await levelCounts();
    assert.equal(num(after.error), num(before.error) + 1, JSON.stringify({ before, after }));
    assert.equal(num(after.info), num(before.info) + 1, JSON.stringify({ before, after }));
    assert.match(Object.values(after).find((t) => t.startsWith('other')) ?? '', /^other: 1 /, 'the warning, a value not listed');
    // The field list counts them too, as the fields API does.
    const fields = (await (await fetch(`${srv.url}/api/v1/fields?${new URLSearchParams({ q: 'host:web-1', from: 'now-15m', to: 'now' })}`)).json()) as { fields: { name: string; count: number }[] };
    const hostCount = fields.fields.find((f) => f.name === 'host')!.count;
    assert.equal(hostCount, SEEDED + 3);
    await page.waitForFunction(`document.querySelector('.sidebar li[data-field="host"] .field-head .count')?.textContent === '${hostCount}'`)
      .catch(async (err: Error) => { throw new Error(`sidebar host count ${await page.locator('.sidebar li[data-field="host"] .field-head .count').innerText()}, expected ${hostCount}: ${err.message}`); });

    // Reading further down: the events wait behind "N new", and count already.
    await page.evaluate(`document.querySelector('.results').scrollTop = 200`);
    await page.waitForTimeout(100);
    await ingest(srv.url, [line('while reading')]);
    await page.getByRole('button', { name: '1 new' }).waitFor();
    await waitForTotal(page, SEEDED + 4, 5_000);
    await waitForSum(SEEDED + 4);
    await page.getByRole('button', { name: 'Live' }).click();
    // Off again, the figures stay those of the list shown.
    assert.equal(await page.locator('.total').getAttribute('data-total'), String(SEEDED + 4));
    assert.deepEqual(problems, []);
  });

  test('a search run again while live starts from the new search\'s figures, counting nothing twice', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: 'host:web-1', from: 'now-15m', to: 'now', live: '1' })}`);
    const total = await apiTotal(srv, 'host:web-1', 'now-15m', 'now');
    await waitForTotal(page, total);
    await page.locator('[data-live="open"]').waitFor();
    await waitForSum(total);
    await ingest(srv.url, [line('after reload')]);
    await waitForTotal(page, total + 1, 5_000);
    await waitForSum(total + 1);
    assert.equal(await page.locator('.results .message', { hasText: 'after reload' }).count(), 1);
    assert.deepEqual(problems, []);
  });

  test('a late event committed before the figures\' reads counts once in them (total, bars, field list, top values)', async () => {
    const N = 10;
    const host = 'web-4';
    await ingest(srv.url, recentLines(N, 30_000, (i) => ({ level: 'info', host, message: `fourth ${i}` })));
    // The histograms and the field list held in the browser until live has
    // sent the late event: their reads come after its commit. (Live starts
    // once the search has answered, after its read: a late event is in the
    // search's answer or sent live, not both.)
    const held: Route[] = [];
    let open = false;
    const hold = (route: Route) => (open ? route.continue() : void held.push(route));
    const figures = /\/api\/v1\/(aggregate|fields)(\?|$)/;
    await page.route(figures, hold);
    try {
      await page.goto(`${srv.url}/?${new URLSearchParams({ q: `host:${host}`, from: 'now-15m', to: 'now', live: '1' })}`);
      await waitForTotal(page, N);
      await page.locator('[data-live="open"]').waitFor();
      await ingest(srv.url, [JSON.stringify({ '@timestamp': new Date(Date.now() - 100_000).toISOString(), level: 'error', host, message: 'late and counted once' })]);
      // A new one too, after the search's range: committed before the reads
      // but not in their range, it is added (left out, the bars lost it).
      await ingest(srv.url, [JSON.stringify({ '@timestamp': new Date().toISOString(), level: 'info', host, message: 'new and counted once' })]);
      await page.locator('.results .message', { hasText: 'late and counted once' }).waitFor();
      await page.locator('.results .message', { hasText: 'new and counted once' }).waitFor();
      const paths = held.map((r) => new URL(r.request().url()).pathname).sort();
      assert.deepEqual(paths, ['/api/v1/aggregate', '/api/v1/aggregate', '/api/v1/aggregate', '/api/v1/fields']);
    } finally {
      open = true;
      for (const r of held) await r.continue();
      await page.unroute(figures, hold);
    }
    assert.equal(await apiTotal(srv, `host:${host}`, 'now-15m', 'now'), N + 2);
    // Every answer in: the figures are final.
    await page.waitForFunction(`document.querySelector('.histogram')?.dataset.loading === 'false' && document.querySelector('.total')?.dataset.total !== ''
      && document.querySelector('.sidebar .field-list:not(.loading) li[data-field="host"] .field-head .count') !== null`, undefined, { timeout: 10_000 });
    assert.equal(await histogramSum(), String(N + 2));
    assert.equal(await page.locator('.histogram').getAttribute('data-errors'), '1');
    assert.equal(await page.locator('.total').getAttribute('data-total'), String(N + 2));
    assert.equal(await page.locator('.sidebar li[data-field="host"] .field-head .count').innerText(), String(N + 2));
    // Asked now, after the commit: the values count it too.
    await page.locator('.sidebar li[data-field="level"] .field-head .link').click();
    const values = page.getByRole('list', { name: 'Top values of level' });
    await values.locator('.value').first().waitFor();
    const counts: Record<string, string> = {};
    for (const li of await values.locator('li').all()) {
      if ((await li.locator('.value').count()) === 0) continue;
      counts[await li.locator('.value').innerText()] = (await li.locator('.count').innerText()).replace(/[^0-9]/g, '');
    }
    assert.deepEqual(counts, { info: String(N + 1), error: '1' });
    assert.deepEqual(problems, []);
  });

  test('a late event committed between the search\'s read and live\'s stream opening is shown and counted once', async () => {
    const N = 6;
    const host = 'web-5';
    await ingest(srv.url, recentLines(N, 30_000, (i) => ({ level: 'info', host, message: `fifth ${i}` })));
    // The stream held in the browser until the late event is committed:
    // from the search's range end by time, it was never sent.
    const held: Route[] = [];
    let open = false;
    const hold = (route: Route) => (open ? route.continue() : void held.push(route));
    const tail = /\/api\/v1\/tail(\?|$)/;
    await page.route(tail, hold);
    try {
      await page.goto(`${srv.url}/?${new URLSearchParams({ q: `host:${host}`, from: 'now-15m', to: 'now', live: '1' })}`);
      await waitForTotal(page, N);
      // Asked once the search has answered (its read's mark is where it starts).
      await waitFor(() => held.length > 0, { what: 'the page asking for its live stream' });
      await ingest(srv.url, [JSON.stringify({ '@timestamp': new Date(Date.now() - 100_000).toISOString(), level: 'info', host, message: 'late before the stream' })]);
    } finally {
      open = true;
      for (const r of held) await r.continue();
      await page.unroute(tail, hold);
    }
    await page.locator('[data-live="open"]').waitFor();
    await page.locator('.results .message', { hasText: 'late before the stream' }).waitFor();
    await waitForTotal(page, N + 1, 5_000);
    await waitForSum(N + 1);
    assert.equal(await page.locator('.results .message', { hasText: 'late before the stream' }).count(), 1);
    assert.deepEqual(problems, []);
  });

  test('an array arriving live counts under each of its elements in the top values, as the API counts it', async () => {
    const tagged = (message: string, tags: unknown[]) => JSON.stringify({ '@timestamp': new Date().toISOString(), host: 'web-3', message, tags });
    await ingest(srv.url, [tagged('first', ['a', 'b']), tagged('second', ['a'])]);
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: 'host:web-3', from: 'now-15m', to: 'now' })}`);
    await waitForTotal(page, 2);
    await page.getByRole('button', { name: 'Live' }).click();
    await page.locator('[data-live="open"]').waitFor();
    await page.locator('.sidebar li[data-field="tags"] .field-head .link').click();
    const list = page.getByRole('list', { name: 'Top values of tags' });
    await list.locator('.value').first().waitFor();
    // b and a again, a repeated in one event (counted once), c not listed, and an empty array (no elements: missing).
    await ingest(srv.url, [tagged('third', ['b', 'a', 'a']), tagged('fourth', ['c']), tagged('fifth', [])]);
    await waitForTotal(page, 5, 5_000);
    const api = (await (await fetch(`${srv.url}/api/v1/fields/tags/values?${new URLSearchParams({ q: 'host:web-3', from: 'now-15m', to: 'now' })}`)).json()) as { values: { value: string; count: number }[] };
    const expected = Object.fromEntries(api.values.map((v) => [v.value, String(v.count)]));
    assert.deepEqual(expected, { a: '3', b: '2', c: '1' });
    const shown = async (): Promise<Record<string, string>> => {
      const out: Record<string, string> = {};
      for (const li of await list.locator('li').all()) {
        if ((await li.locator('.value').count()) === 0) continue;
        out[await li.locator('.value').innerText()] = (await li.locator('.count').innerText()).replace(/[^0-9]/g, '');
      }
      return out;
    };
    // a 3 and b 2 listed from the search and live; c, not in the first answer, is 'other'.
    await page.waitForFunction(`[...document.querySelectorAll('.sidebar li[data-field="tags"] .values li')].some((li) => li.textContent.startsWith('other'))`);
    assert.deepEqual(await shown(), { a: expected.a, b: expected.b });
    assert.deepEqual(problems, []);
  });
});
