/**
 * The time picker in a browser whose zone is not UTC (America/New_York):
 * an absolute range typed as wall-clock time is searched as that instant,
 * and shown back (on the button, in the inputs) as the wall-clock time the
 * user typed, in the zone chosen, as Kibana and Grafana show it; not as the
 * UTC ISO text the URL holds. A day alone as To is the end of that day,
 * an empty To is now and a time alone (10:00) is today's.
 * Escape and a click outside close the panel.
 *
 * The page's clock starts at one fixed instant, NOW (playwright's
 * page.clock), and the events are stamped before it. The windows were taken
 * from the machine's clock: run at 04:30 on the day New York falls back
 * (2026-11-01, under faketime), the range 3 h to 1 h ago began at 01:30, a
 * wall-clock time that happens twice, and the page read the other one; and
 * "today" and "this hour" in New York and in UTC, read by the test and then
 * by the page, differed when a day or an hour turned in between. Every
 * window below is fixed instead.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { HAVE_CHROMIUM } from './browser.js';
import { ingest, type ServerHandle } from './harness.js';
import { apiTotal, urlParams, waitForTotal, pageSuite, recentLines } from './ui-support.js';

const ZONE = 'America/New_York';
/**
 * 12:30 in New York (EDT) and 16:30 in UTC on a Wednesday: hours from
 * midnight and from a DST change in both zones, however long the tests take.
 */
const NOW = Date.parse('2026-06-10T16:30:00.000Z');
const HOUR = 3_600_000;
/** One event a minute for the 5 hours before NOW: all in every "last 6 hours" the page reads while the tests run. */
const SEEDED = 300;

/** `2026-12-05 10:00:00` in `timeZone`. */
function wallClock(ms: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(ms);
  const p = (t: string) => parts.find((x) => x.type === t)!.value;
  return `${p('year')}-${p('month')}-${p('day')} ${p('hour')}:${p('minute')}:${p('second')}`;
}

describe('search page: time picker in a non-UTC zone (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 90_000 }, () => {
  let srv: ServerHandle;
  let page: Page;
  let problems: string[] = [];
  // A range of whole minutes 3 h to 1 h before NOW, within the seeded 5 h.
  const fromMs = NOW - 3 * HOUR;
  const toMs = fromMs + 2 * HOUR;

  pageSuite({
    timezoneId: ZONE,
    // Events stamped before NOW are kept, however far that is behind the machine's clock.
    server: { configYaml: 'retention: { default_days: 36500, classes: [] }\n' },
    seed: (srv) => ingest(srv.url, recentLines(SEEDED, 60_000, (i) => ({ level: 'info', host: 'web-1', message: `minute ${i}` }), NOW)),
  }, (s) => ({ srv, page, problems } = s));
  // Before the first page loads; from there the page's time runs on as usual.
  before(() => page.clock.install({ time: NOW }));

  /** The page on the last 6 hours (of the page's clock), every seeded event shown. */
  async function openLast6h(): Promise<void> {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from: 'now-6h', to: 'now' })}`);
    assert.equal(await apiTotal(srv, '', new Date(NOW - 6 * HOUR).toISOString(), new Date(NOW).toISOString()), SEEDED);
    await waitForTotal(page, SEEDED);
  }

  const button = () => page.getByRole('button', { name: 'Time range' });

  test('an absolute range typed in local time is searched as that instant and shown back as typed', async () => {
    await openLast6h();
    const wallFrom = wallClock(fromMs, ZONE);
    const wallTo = wallClock(toMs, ZONE);
    await button().click();
    await page.getByLabel('From', { exact: true }).fill(wallFrom.slice(0, 16));
    await page.getByLabel('To', { exact: true }).fill(wallTo.slice(0, 16));
    await page.getByRole('button', { name: 'Apply' }).click();
    const isoFrom = new Date(fromMs).toISOString();
    const isoTo = new Date(toMs).toISOString();
    await page.waitForFunction(`new URL(location.href).searchParams.get('from') === ${JSON.stringify(isoFrom)}`);
    assert.equal(urlParams(page).get('to'), isoTo);
    await waitForTotal(page, await apiTotal(srv, '', isoFrom, isoTo));

    // Shown as the wall-clock time typed, not as 15:00:00.000Z.
    assert.equal(await button().innerText(), `${wallFrom} → ${wallTo}`);
    await button().click();
    assert.equal(await page.getByLabel('From', { exact: true }).inputValue(), wallFrom);
    assert.equal(await page.getByLabel('To', { exact: true }).inputValue(), wallTo);
    // Applied again unchanged, the same instants (the shown text reads back).
    await page.getByRole('button', { name: 'Apply' }).click();
    // Apply closes the panel only when both inputs read.
    await page.getByLabel('From', { exact: true }).waitFor({ state: 'detached', timeout: 2_000 });
    assert.equal(urlParams(page).get('from'), isoFrom);
    assert.equal(urlParams(page).get('to'), isoTo);

    // In UTC, the same range in UTC wall-clock time.
    await page.getByLabel('Time zone').selectOption('utc');
    await page.waitForFunction(`new URL(location.href).searchParams.get('tz') === 'utc'`);
    assert.equal(await button().innerText(), `${wallClock(fromMs, 'UTC')} → ${wallClock(toMs, 'UTC')}`);
    await page.getByLabel('Time zone').selectOption('local');

    // A histogram drag writes milliseconds; they are shown, so they read back too.
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from: '2026-01-02T03:04:05.678Z', to: 'now' })}`);
    assert.equal(await button().innerText(), `${wallClock(Date.parse('2026-01-02T03:04:05.678Z'), ZONE)}.678 → now`);
    assert.deepEqual(problems.filter((p) => !p.includes('status of 4')), []);
  });

  test('a day alone as To is the end of that day: From and To the same day is the whole day, not an empty range', async () => {
    await openLast6h();
    const day = wallClock(NOW, ZONE).slice(0, 10);
    await button().click();
    await page.getByLabel('From', { exact: true }).fill(day);
    await page.getByLabel('To', { exact: true }).fill(day);
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForFunction(`/^\\d{4}-/.test(new URL(location.href).searchParams.get('to') ?? '')`);
    const from = urlParams(page).get('from')!;
    const to = urlParams(page).get('to')!;
    assert.equal(wallClock(Date.parse(from), ZONE), `${day} 00:00:00`);
    assert.equal(wallClock(Date.parse(to), ZONE), `${day} 23:59:59`);
    assert.equal(new Date(to).getUTCMilliseconds(), 999);
    const total = await apiTotal(srv, '', from, to);
    assert.ok(total > 0);
    await waitForTotal(page, total);
    assert.equal(await button().innerText(), `${day} 00:00:00 → ${day} 23:59:59.999`);
    assert.deepEqual(problems, []);
  });

  test('an empty To is now, and a time alone (10:00) is today at that time in the zone chosen', async () => {
    await openLast6h();
    // This hour's start, today in New York: earlier than the page's now, the same day.
    const wallNow = wallClock(NOW, ZONE);
    const day = wallNow.slice(0, 10);
    const hour = wallNow.slice(11, 13);
    await button().click();
    await page.getByLabel('From', { exact: true }).fill(`${Number(hour)}:00`);
    await page.getByLabel('To', { exact: true }).fill('');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForFunction(`/^\\d{4}-/.test(new URL(location.href).searchParams.get('from') ?? '')`, undefined, { timeout: 5_000 })
      .catch(async (err: Error) => { throw new Error(`${await page.locator('.picker-panel [role="alert"]').innerText().catch(() => 'no error shown')}: ${err.message}`); });
    const from = urlParams(page).get('from')!;
    assert.equal(urlParams(page).get('to'), 'now');
    assert.equal(wallClock(Date.parse(from), ZONE), `${day} ${hour}:00:00`);
    await waitForTotal(page, await apiTotal(srv, '', from, new Date(NOW).toISOString()));
    assert.equal(await button().innerText(), `${day} ${hour}:00:00 → now`);

    // In UTC, a time alone is today's in UTC.
    await page.getByLabel('Time zone').selectOption('utc');
    await page.waitForFunction(`new URL(location.href).searchParams.get('tz') === 'utc'`);
    const utcHour = new Date(NOW).toISOString().slice(11, 13);
    await button().click();
    await page.getByLabel('From', { exact: true }).fill(`${utcHour}:00:00`);
    await page.getByLabel('To', { exact: true }).fill('  ');
    await page.getByRole('button', { name: 'Apply' }).click();
    const utcFrom = `${new Date(NOW).toISOString().slice(0, 10)}T${utcHour}:00:00.000Z`;
    await page.waitForFunction(`new URL(location.href).searchParams.get('from') === ${JSON.stringify(utcFrom)}`, undefined, { timeout: 5_000 });
    assert.equal(urlParams(page).get('to'), 'now');
    await page.getByLabel('Time zone').selectOption('local');

    // An empty From is said, not searched.
    await button().click();
    await page.getByLabel('From', { exact: true }).fill('');
    await page.getByRole('button', { name: 'Apply' }).click();
    assert.match(await page.locator('.picker-panel [role="alert"]').innerText(), /^From is empty/);
    await page.keyboard.press('Escape');
    assert.deepEqual(problems.filter((p) => !p.includes('status of 4')), []);
  });

  test('the common ranges of Grafana and Kibana are one click: the last 5 minutes to 30 days, today, yesterday, this week', async () => {
    await openLast6h();
    await button().click();
    const quick = page.locator('.picker-panel .quick button');
    assert.deepEqual(await quick.allInnerTexts(), [
      'Last 5 minutes', 'Last 15 minutes', 'Last 30 minutes', 'Last 1 hour', 'Last 3 hours', 'Last 6 hours', 'Last 12 hours',
      'Last 24 hours', 'Last 2 days', 'Last 7 days', 'Last 30 days', 'Today', 'Yesterday', 'This week',
    ]);
    assert.equal(await page.locator('.picker-panel .quick [aria-pressed="true"]').innerText(), 'Last 6 hours');
    for (const [label, from, to] of [['Yesterday', 'now-1d/d', 'now-1d/d'], ['Last 5 minutes', 'now-5m', 'now']] as const) {
      if (await button().getAttribute('aria-expanded') !== 'true') await button().click();
      await page.getByRole('button', { name: label, exact: true }).click();
      await page.waitForFunction(`new URL(location.href).searchParams.get('from') === ${JSON.stringify(from)}`);
      assert.equal(urlParams(page).get('to'), to);
      assert.equal(await button().innerText(), label);
    }
    assert.deepEqual(problems, []);
  });

  test('Escape or a click outside closes the panel and drops text not applied', async () => {
    await openLast6h();
    await button().click();
    const from = page.getByLabel('From', { exact: true });
    await from.fill('now-2d');
    await page.keyboard.press('Escape');
    await from.waitFor({ state: 'detached', timeout: 2_000 });
    assert.equal(await button().getAttribute('aria-expanded'), 'false');
    await button().click();
    assert.equal(await from.inputValue(), 'now-6h', 'the text typed and not applied is gone');
    // Its left end: the panel (right-aligned under the picker) covers the summary's middle.
    await page.locator('.summary').click({ position: { x: 5, y: 5 } });
    await from.waitFor({ state: 'detached', timeout: 2_000 });
    assert.equal(urlParams(page).get('from'), 'now-6h');
  });
  test('by keyboard: Escape, Apply (Enter) and a quick range give focus back to the range button', async () => {
    await openLast6h();
    const focusedLabel = () => page.evaluate(`document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.tagName`);
    await button().focus();
    await page.keyboard.press('Enter');
    await page.getByLabel('From', { exact: true }).focus();
    await page.keyboard.press('Escape');
    await page.getByLabel('From', { exact: true }).waitFor({ state: 'detached', timeout: 2_000 });
    assert.match(String(await focusedLabel()), /^Time range/);

    await page.keyboard.press('Enter');
    await page.getByLabel('From', { exact: true }).focus();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('now-3h');
    await page.keyboard.press('Enter');
    await page.waitForFunction(`new URL(location.href).searchParams.get('from') === 'now-3h'`);
    assert.match(String(await focusedLabel()), /^Time range/);

    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Last 1 hour', exact: true }).focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(`new URL(location.href).searchParams.get('from') === 'now-1h'`);
    assert.match(String(await focusedLabel()), /^Time range/);
  });
});
