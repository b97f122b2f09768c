/**
 * `@timestamp` top values in the field sidebar are shown as the list shows
 * times, in the zone the page is set to: in Local time they were UTC ISO
 * text (`…T15:00:00.000Z` beside a list reading 10:00), and so was an
 * open row's @timestamp under its own row's time. A click still filters
 * for the exact instant.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { HAVE_CHROMIUM } from './browser.js';
import { ingest, type ServerHandle } from './harness.js';
import { apiGet, apiTotal, pageSuite, recentLines, urlParams, waitForTotal } from './ui-support.js';

const ZONE = 'America/New_York';

/** `2026-12-05 10:00:00.123` in `timeZone`, as the list shows a time. */
function wallClock(ms: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(ms);
  const p = (t: string) => parts.find((x) => x.type === t)!.value;
  return `${p('year')}-${p('month')}-${p('day')} ${p('hour')}:${p('minute')}:${p('second')}.${String(ms % 1000).padStart(3, '0')}`;
}

describe('search page: @timestamp top values in the page\'s zone (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 60_000 }, () => {
  let srv: ServerHandle;
  let page: Page;

  pageSuite({
    timezoneId: ZONE,
    seed: (srv) => ingest(srv.url, recentLines(20, 60_000, (i) => ({ level: 'info', message: `minute ${i}` }))),
  }, (s) => ({ srv, page } = s));

  test('shown in Local time and in UTC as the list shows times; a click filters the exact instant', async () => {
    const from = 'now-1h';
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from, to: 'now' })}`);
    await waitForTotal(page, 20);
    const field = page.locator('.sidebar li[data-field="@timestamp"]');
    await field.locator('.field-head .link').click();
    const list = field.getByRole('list', { name: 'Top values of @timestamp' });
    await list.locator('.value').first().waitFor();
    const api = await apiGet<{ values: { value: string }[] }>(srv, '/api/v1/fields/@timestamp/values', { q: '', from, to: 'now', size: '10' });
    const iso = api.body.values.map((v) => v.value);
    assert.ok(iso.length > 0 && iso.every((v) => v.endsWith('Z')), JSON.stringify(iso));
    assert.deepEqual(await list.locator('.value').allInnerTexts(), iso.map((v) => wallClock(Date.parse(v), ZONE)));
    // The list's own time for the same event reads the same.
    assert.ok((await page.locator('.ts').allInnerTexts()).includes(wallClock(Date.parse(iso[0]!), ZONE)));

    await page.getByLabel('Time zone').selectOption('utc');
    await page.waitForFunction(`document.querySelector('.sidebar li[data-field="@timestamp"] .values .value')?.textContent === ${JSON.stringify(wallClock(Date.parse(iso[0]!), 'UTC'))}`);

    await list.locator('.value').first().click();
    await page.waitForFunction(`(new URL(location.href).searchParams.get('q') ?? '').includes(${JSON.stringify(iso[0])})`);
    const q = urlParams(page).get('q')!;
    assert.equal(await apiTotal(srv, q, from, 'now'), 1);
    await waitForTotal(page, 1);
  });

  test('an open row\'s @timestamp reads as its row does, the exact value in its title and its filter', async () => {
    const from = 'now-1h';
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from, to: 'now', tz: 'local' })}`);
    await waitForTotal(page, 20);
    const row = page.locator('.results [data-index="3"]');
    const iso = (await row.locator('.ts').getAttribute('datetime'))!;
    await row.locator('.ts').click();
    const cell = row.locator('.fields-table tr[data-field="@timestamp"] .pre');
    assert.equal(await cell.innerText(), wallClock(Date.parse(iso), ZONE));
    assert.equal(await cell.innerText(), await row.locator('.ts').innerText());
    assert.equal(await cell.getAttribute('title'), iso);
    await row.locator('.fields-table tr[data-field="@timestamp"]').getByRole('button', { name: 'Filter for @timestamp' }).click();
    await page.waitForFunction(`(new URL(location.href).searchParams.get('q') ?? '').includes(${JSON.stringify(iso)})`);
    assert.equal(await apiTotal(srv, urlParams(page).get('q')!, from, 'now'), 1);
    await waitForTotal(page, 1);
  });
});
