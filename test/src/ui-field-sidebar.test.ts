/**
 * The field sidebar as Kibana's field list is used: open a field, read its
 * top values with their share of the events found, filter on one, and the
 * open list follows the new search. It kept the first search's values (after
 * filtering level:error it still offered info, debug, … with their old
 * counts). With forty fields, a box narrows the list by name.
 *
 * Past 10,000 events the field counts are estimates from the newest 10,000
 * (the heading said "sampled"), shown as plain numbers beside exact top
 * values: `status 3,000` over `200 4,500`, a field rarer than its own value.
 * An estimate now reads ≈ (its title says why), and an open field shows the
 * exact count its values add up to.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { HAVE_CHROMIUM } from './browser.js';
import { ingest, type ServerHandle } from './harness.js';
import { apiGet, apiTotal, waitForQuery, waitForTotal, pageSuite, recentLines } from './ui-support.js';

const LEVELS = ['info', 'info', 'info', 'error', 'warning'];

interface ValuesBody { values: { value: string; count: number }[]; other_count: number; missing_count: number }

describe('search page: field sidebar (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 60_000 }, () => {
  let srv: ServerHandle;
  let page: Page;
  let problems: string[] = [];
  const from = 'now-1h';
  const to = 'now';

  pageSuite({
    seed: (srv) => ingest(srv.url, recentLines(100, 20_000, (i) => ({
      level: LEVELS[i % LEVELS.length], host: `web-${i % 3}`, message: `line ${i}`,
      // A journald-like crowd of fields, as an agent on a host sends them.
      ...Object.fromEntries(Array.from({ length: 30 }, (_, k) => [`_SYSTEMD_F${k}`, 'x'])),
    }))),
  }, (s) => ({ srv, page, problems } = s));

  const level = () => page.locator('.sidebar li[data-field="level"]');
  const shownValues = async () => level().getByRole('list', { name: 'Top values of level' }).locator('.value').allInnerTexts();

  test('an open field\'s top values follow the search; each says its share of the events found', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from, to })}`);
    await waitForTotal(page, 100);
    await level().locator('.field-head .link').click();
    const list = level().getByRole('list', { name: 'Top values of level' });
    await list.locator('.value').first().waitFor();
    const all = await apiGet<ValuesBody>(srv, '/api/v1/fields/level/values', { q: '', from, to, size: '10' });
    assert.deepEqual(await shownValues(), all.body.values.map((v) => v.value));
    // 60 of 100 are info: 60%.
    assert.deepEqual(await list.locator('.pct').allInnerTexts(), all.body.values.map((v) => `${Math.round(v.count)}%`));

    await list.locator('.value', { hasText: 'error' }).click();
    await waitForQuery(page, 'level:"error"');
    await waitForTotal(page, await apiTotal(srv, 'level:"error"', from, to));
    const only = await apiGet<ValuesBody>(srv, '/api/v1/fields/level/values', { q: 'level:"error"', from, to, size: '10' });
    assert.deepEqual(only.body.values.map((v) => v.value), ['error']);
    await page.waitForFunction(
      `[...document.querySelectorAll('.sidebar li[data-field="level"] .values .value')].map((e) => e.textContent).join() === 'error'`,
      undefined,
    ).catch(async () => assert.fail(`level's values after filtering: ${JSON.stringify(await shownValues())}`));
    assert.deepEqual(await list.locator('.pct').allInnerTexts(), ['100%']);
    assert.deepEqual(problems, []);
  });

  test('a box narrows the field list by name', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from, to })}`);
    await waitForTotal(page, 100);
    const names = page.locator('.sidebar li[data-field] > .field-head .link');
    await page.locator('.sidebar li[data-field="host"]').waitFor();
    assert.ok((await names.count()) > 30);
    await page.getByRole('searchbox', { name: 'Filter field names' }).fill('HOS');
    assert.deepEqual(await names.allInnerTexts(), ['host']);
    await page.getByRole('searchbox', { name: 'Filter field names' }).fill('nothing-like-it');
    assert.equal(await names.count(), 0);
    await page.locator('.sidebar').getByText('No field name holds').waitFor();
    await page.getByRole('searchbox', { name: 'Filter field names' }).fill('');
    assert.ok((await names.count()) > 30);
  });
});

describe('search page: field sidebar past the fields sample (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 90_000 }, () => {
  let srv: ServerHandle;
  let page: Page;
  const from = 'now-2h';
  const to = 'now';

  // 12,000 events: the oldest 2,000 all have status, the newest 10,000 (the
  // sample) one in four, so the estimate (2,500 × 1.2) is short of the 4,500.
  pageSuite({
    seed: (srv) => ingest(srv.url, recentLines(12_000, 250, (i) => ({
      level: 'info', message: `line ${i}`, ...(i >= 10_000 || i % 4 === 0 ? { status: 200 } : {}),
    }))),
  }, (s) => ({ srv, page } = s));

  test('an estimated count reads ≈; open, the field shows the exact count of its values', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from, to })}`);
    await waitForTotal(page, 12_000);
    const status = page.locator('.sidebar li[data-field="status"]');
    const count = status.locator('.field-head .count');
    await count.waitFor();
    const estimated = await count.innerText();
    assert.match(estimated, /^≈\s?3,000$/);
    assert.match((await count.getAttribute('title')) ?? '', /estimate/i);
    const values = await apiGet<ValuesBody>(srv, '/api/v1/fields/status/values', { q: '', from, to, size: '10' });
    const exact = values.body.values.reduce((n, v) => n + v.count, 0) + values.body.other_count;
    assert.equal(exact, 4_500);
    await status.locator('.field-head .link').click();
    await status.getByRole('list', { name: 'Top values of status' }).locator('.value').first().waitFor();
    assert.equal(await count.innerText(), '4,500');
  });

  test('top values sampled from the newest events read ≈ too', async () => {
    // message's top values are sampled past 10,000 events: scaled estimates
    // read as exact promised a filter more events than it found.
    const values = await apiGet<ValuesBody & { counts: string }>(srv, '/api/v1/fields/message/values', { q: '', from, to, size: '10' });
    assert.equal(values.body.counts, 'sampled');
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from, to })}`);
    await waitForTotal(page, 12_000);
    const message = page.locator('.sidebar li[data-field="message"]');
    await message.locator('.field-head .link').click();
    const list = message.getByRole('list', { name: 'Top values of message' });
    await list.locator('.value').first().waitFor();
    const counts = await list.locator('.count').allInnerTexts();
    assert.ok(counts.length > 0);
    assert.deepEqual(counts.filter((c) => !/^≈[\d,]+$/.test(c)), [], JSON.stringify(counts));
    assert.match((await list.locator('.count').first().getAttribute('title')) ?? '', /estimate/i);
  });
});
