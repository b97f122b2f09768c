/**
 * The histogram during a new search, as Kibana's and Grafana's charts do
 * it: from the moment a new query or range is asked until its histogram
 * comes, the chart says it is loading (the previous bars dimmed under a
 * sign, their counts not given as the chart's). It kept the previous
 * query's bars as they were, beside the new hits, until the new ones came.
 *
 * Every state the page renders is recorded (a MutationObserver snapshots
 * the chart on each change), so the test holds whichever of the search and
 * the histogram answers first: no timing is assumed.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { HAVE_CHROMIUM } from './browser.js';
import { ingest, type ServerHandle } from './harness.js';
import { pageSuite, waitForTotal } from './ui-support.js';

const RECENT = 24; // 1–4 minutes ago: inside the last 5 and the last 15 minutes
const OLDER = 17; // 7–10 minutes ago: inside the last 15 minutes only

interface ChartState {
  /** The chart marked busy (aria-busy) with its loading sign shown. */
  loading: boolean;
  /** The count the chart gives as its own ('' when it gives none). */
  sum: string;
  /** The hovered bar's tooltip is shown. */
  tip: boolean;
  /** The page's address then: states before the search was asked are left out. */
  url: string;
  /** The count axis's top as the chart's canvas shows it then (its last drawing). */
  top: number | null;
}

/** Keeps the count labels of the chart's last drawing (the canvas is cleared before each). */
const RECORD_COUNTS = `(() => {
  window.__counts = [];
  const clear = CanvasRenderingContext2D.prototype.clearRect;
  CanvasRenderingContext2D.prototype.clearRect = function (x, y, w, h) {
    if (w >= this.canvas.width && h >= this.canvas.height) window.__counts = [];
    return clear.call(this, x, y, w, h);
  };
  const fill = CanvasRenderingContext2D.prototype.fillText;
  CanvasRenderingContext2D.prototype.fillText = function (text, ...rest) {
    if (this.textAlign !== 'center' && /^[\\d,]+$/.test(String(text))) window.__counts.push(Number(String(text).replace(/,/g, '')));
    return fill.call(this, text, ...rest);
  };
})()`;

const drawnTop = `(window.__counts?.length ? Math.max(...window.__counts) : null)`;

/** Starts recording the chart's state at every change of the page from now on. */
async function recordChart(page: Page): Promise<void> {
  await page.evaluate(`(() => {
    window.__chart = [];
    const snap = () => {
      const h = document.querySelector('.histogram');
      const sign = document.querySelector('.histogram-loading');
      const tip = document.querySelector('.histogram-tip');
      window.__chart.push({
        loading: h?.getAttribute('aria-busy') === 'true' && sign !== null && sign.getAttribute('role') === 'status' && /Loading/.test(sign.textContent),
        sum: h?.dataset.sum ?? '',
        tip: tip !== null && !tip.hidden && getComputedStyle(tip).display !== 'none',
        url: location.href,
        top: ${drawnTop},
      });
    };
    window.__chartObserver?.disconnect();
    window.__chartObserver = new MutationObserver(snap);
    window.__chartObserver.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  })()`);
}

/** The states recorded since the page's address said `param` is `value` (the search is asked as the address changes). */
async function recorded(page: Page, param: string, value: string): Promise<ChartState[]> {
  const states = (await page.evaluate('(window.__chartObserver.disconnect(), window.__chart)')) as ChartState[];
  return states.filter((s) => new URL(s.url).searchParams.get(param) === value);
}

/** Every state after the change either says it is loading or gives the new search's count; the last is the new count. */
function assertNeverStale(states: ChartState[], expected: number, old: number): void {
  assert.ok(states.length > 0, 'the page changed after the search was asked');
  const stale = states.filter((s) => !s.loading && s.sum !== String(expected));
  assert.deepEqual(stale, [], `states giving a count that is not the new search's ${expected} (the previous was ${old}) without saying the chart is loading`);
  assert.ok(states.some((s) => s.loading), 'the chart said it was loading before its answer came');
  assert.deepEqual(states.filter((s) => s.loading && s.tip), [], 'no tooltip with the previous counts over a loading chart');
  const last = states.at(-1)!;
  assert.deepEqual([last.loading, last.sum], [false, String(expected)]);
}

describe('search page: the histogram while a new search loads (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 90_000 }, () => {
  let srv: ServerHandle;
  let page: Page;
  let problems: string[] = [];
  const now = Date.now();

  pageSuite({
    seed: (srv) => ingest(srv.url, [
      ...Array.from({ length: RECENT }, (_, i) => JSON.stringify({
        '@timestamp': new Date(now - 60_000 - i * 7_000).toISOString(), level: i % 4 === 0 ? 'error' : 'info', host: 'web-1', message: `recent ${i}`,
      })),
      ...Array.from({ length: OLDER }, (_, i) => JSON.stringify({
        '@timestamp': new Date(now - 7 * 60_000 - i * 10_000).toISOString(), level: 'warning', host: 'web-2', message: `older ${i}`,
      })),
    ]),
  }, (s) => ({ srv, page, problems } = s));

  const loaded = async (sum: number) => {
    await waitForTotal(page, sum);
    await page.waitForFunction(`document.querySelector('.histogram')?.dataset.sum === '${sum}'`, undefined, { timeout: 10_000 });
  };

  test('a new query: the previous query\'s bars are never shown as the chart\'s while its histogram loads', async () => {
    await page.addInitScript(RECORD_COUNTS);
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from: 'now-15m', to: 'now' })}`);
    await loaded(RECENT + OLDER);
    // A pointer resting on the chart: its tooltip must not outlive the bars it describes.
    const box = (await page.locator('.histogram .u-over').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
    await page.getByRole('tooltip').waitFor();
    const oldTop = (await page.evaluate(drawnTop)) as number | null;
    await recordChart(page);
    // Typed without moving the pointer: `/` focuses the query bar from anywhere.
    await page.keyboard.press('/');
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('host:web-2');
    await page.keyboard.press('Enter');
    await loaded(OLDER);
    const states = await recorded(page, 'q', 'host:web-2');
    assertNeverStale(states, OLDER, RECENT + OLDER);
    // What the canvas shows, not only what the page says: the chart, no
    // longer loading, drew the old bars for a frame (drawn after the paint).
    const newTop = (await page.evaluate(drawnTop)) as number | null;
    assert.ok(oldTop !== null && newTop !== null && oldTop !== newTop, `count axes ${oldTop} then ${newTop}`);
    assert.deepEqual(states.filter((s) => !s.loading && s.top !== newTop).map((s) => s.top), [], `the old count axis (${oldTop}) drawn while the chart was not loading`);
    assert.deepEqual(problems, []);
  });

  test('a new range from the time picker: the same', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from: 'now-15m', to: 'now' })}`);
    await loaded(RECENT + OLDER);
    await page.getByRole('button', { name: 'Time range' }).click();
    await recordChart(page);
    await page.getByRole('button', { name: 'Last 5 minutes', exact: true }).click();
    await loaded(RECENT);
    assertNeverStale(await recorded(page, 'from', 'now-5m'), RECENT, RECENT + OLDER);
    assert.deepEqual(problems, []);
  });

  test('the first search of a page says its chart is loading until the bars come', async () => {
    await page.goto('about:blank');
    // Recorded from the page's first render: an init script runs before it.
    await page.addInitScript(`document.addEventListener('DOMContentLoaded', () => {
      window.__first = [];
      new MutationObserver(() => {
        const h = document.querySelector('.histogram');
        if (h) window.__first.push({ busy: h.getAttribute('aria-busy'), sum: h.dataset.sum, sign: document.querySelector('.histogram-loading')?.textContent ?? null });
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    })`);
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: 'host:web-1', from: 'now-15m', to: 'now' })}`);
    await loaded(RECENT);
    const states = (await page.evaluate('window.__first')) as { busy: string | null; sum: string; sign: string | null }[];
    assert.ok(states.length > 0);
    assert.equal(states[0]!.busy, 'true', JSON.stringify(states[0]));
    assert.match(states[0]!.sign ?? '', /Loading histogram/);
    assert.deepEqual(states.at(-1), { busy: 'false', sum: String(RECENT), sign: null });
  });
});
