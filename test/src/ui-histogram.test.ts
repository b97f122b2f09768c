/**
 * The histogram as Kibana's and Grafana's are used: hovering a bar shows its
 * time and counts, clicking a bar narrows the range to that bar (a drag
 * narrows it to the dragged span; ui-page.test.ts covers that).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { HAVE_CHROMIUM } from './browser.js';
import { ingest, type ServerHandle } from './harness.js';
import { apiTotal, urlParams, waitForTotal, pageSuite } from './ui-support.js';

const INTERVAL = 10_000; // what a 15-minute range is drawn at (time-range.ts)
const BURST = 40;
const BURST_ERRORS = 3;

describe('search page: histogram hover and click (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 90_000 }, () => {
  let srv: ServerHandle;
  let page: Page;
  let problems: string[] = [];
  // A 15-minute range on whole minutes, with a burst in one 10 s bucket.
  const from = Math.floor((Date.now() - 20 * 60_000) / 60_000) * 60_000;
  const to = from + 15 * 60_000;
  const burst = from + 5 * 60_000;

  pageSuite({
    seed: async (srv) => {
      const lines: string[] = [];
      for (let i = 0; i < BURST; i++) {
        lines.push(JSON.stringify({ '@timestamp': new Date(burst + 200 + i * 200).toISOString(), level: i < BURST_ERRORS ? 'error' : 'info', host: 'web-1', message: `burst ${i}` }));
      }
      // One event every 30 s elsewhere, never on a bucket's edge.
      for (let t = from + 15_000; t < to; t += 30_000) {
        lines.push(JSON.stringify({ '@timestamp': new Date(t).toISOString(), level: 'info', host: 'web-2', message: 'steady' }));
      }
      // Except one on the start of the bucket after the burst's (whole seconds, as nginx writes).
      lines.push(JSON.stringify({ '@timestamp': new Date(burst + INTERVAL).toISOString(), level: 'info', host: 'web-2', message: 'on the edge' }));
      await ingest(srv.url, lines);
    },
  }, (s) => ({ srv, page, problems } = s));

  /** The page on every event from `isoFrom` to `isoTo`, once its histogram has drawn them all: the chart's box. */
  async function openRange(isoFrom: string, isoTo: string): Promise<{ x: number; y: number; width: number; height: number }> {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from: isoFrom, to: isoTo, tz: 'utc' })}`);
    const total = await apiTotal(srv, '', isoFrom, isoTo);
    await waitForTotal(page, total);
    await page.waitForFunction(`document.querySelector('.histogram')?.dataset.sum === '${total}'`);
    return (await page.locator('.histogram .u-over').boundingBox())!;
  }

  test('hover shows the bar\'s time and counts; a click narrows the range to that bar', async () => {
    const isoFrom = new Date(from).toISOString();
    const isoTo = new Date(to).toISOString();
    const box = await openRange(isoFrom, isoTo);
    // The x scale runs from the first bucket's start to the last one's end;
    // `to` is on a bucket start, so it is the last bucket.
    const end = to + INTERVAL;
    const x = box.x + ((burst + INTERVAL / 2 - from) / (end - from)) * box.width;
    await page.mouse.move(x, box.y + box.height / 2);
    const tip = page.getByRole('tooltip');
    await tip.waitFor();
    const burstText = new Date(burst).toISOString().slice(0, 19).replace('T', ' ');
    assert.equal(await tip.innerText(), `${burstText} · ${BURST} hits · ${BURST_ERRORS} errors · 0 warnings`);

    await page.mouse.click(x, box.y + box.height / 2);
    const bucketFrom = new Date(burst).toISOString();
    // To the bar's last millisecond: the event on the next bar's start is not the bar's.
    const bucketTo = new Date(burst + INTERVAL - 1).toISOString();
    await page.waitForFunction(`new URL(location.href).searchParams.get('from') === ${JSON.stringify(bucketFrom)}`);
    assert.equal(urlParams(page).get('to'), bucketTo);
    assert.equal(await apiTotal(srv, '', bucketFrom, bucketTo), BURST);
    await waitForTotal(page, BURST);
    assert.deepEqual(problems, []);
  });

  test('a bar that starts before the range narrows to the part inside it, the events the bar counted', async () => {
    // Buckets are aligned to the epoch: this range starts 2 s into one.
    const start = from + 12_000;
    const isoFrom = new Date(start).toISOString();
    const isoTo = new Date(to).toISOString();
    const box = await openRange(isoFrom, isoTo);
    const first = from + INTERVAL;
    const end = to + INTERVAL;
    // The first bar's one event, at from + 15 s.
    await page.mouse.click(box.x + ((from + 15_000 - first) / (end - first)) * box.width, box.y + box.height / 2);
    const barTo = new Date(first + INTERVAL - 1).toISOString();
    await page.waitForFunction(`new URL(location.href).searchParams.get('to') === ${JSON.stringify(barTo)}`);
    assert.equal(urlParams(page).get('from'), isoFrom);
    await waitForTotal(page, 1);
    assert.deepEqual(problems, []);
  });

  test('the first bar of the widest range (year 0000, its bucket from year -31) narrows to a range the API takes', async () => {
    const isoFrom = '0000-01-01T00:00:00.000Z';
    const isoTo = '9999-12-31T23:59:59.999Z';
    const box = await openRange(isoFrom, isoTo);
    await page.mouse.click(box.x + 2, box.y + box.height / 2);
    await page.waitForFunction(`new URL(location.href).searchParams.get('to') !== ${JSON.stringify(isoTo)}`);
    assert.equal(urlParams(page).get('from'), isoFrom);
    await waitForTotal(page, 0);
    assert.equal(await page.getByText('LS_API_BAD_TIME').count(), 0);
    assert.deepEqual(problems, []);
  });

  test('axis labels read as the rows do: 24-hour times, year-month-day dates, whole-number counts', async () => {
    // Every text drawn on a canvas (uPlot draws its axes there).
    await page.addInitScript(`(() => {
      window.__drawn = [];
      const fill = CanvasRenderingContext2D.prototype.fillText;
      CanvasRenderingContext2D.prototype.fillText = function (text, ...rest) { window.__drawn.push(String(text)); return fill.call(this, text, ...rest); };
    })()`);
    const isoFrom = new Date(from).toISOString();
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: 'host:web-2', from: isoFrom, to: new Date(to).toISOString(), tz: 'utc' })}`);
    await page.locator('.histogram canvas').waitFor();
    const drawn = (await page.evaluate('window.__drawn')) as string[];
    const labels = drawn.flatMap((t) => t.split('\n'));
    assert.ok(labels.some((t) => /^\d{2}:\d{2}$/.test(t)), `a 24-hour time among ${JSON.stringify(labels)}`);
    assert.ok(labels.some((t) => /^\d{4}-\d{2}-\d{2}$/.test(t)), `a date among ${JSON.stringify(labels)}`);
    assert.ok(!labels.some((t) => /am|pm|\//.test(t)), `no am/pm or m/d/y in ${JSON.stringify(labels)}`);
    // One event per 30 s in 10 s buckets: counts 0 or 1, ticks 0 and 1, never 0.5.
    assert.ok(!labels.some((t) => /^\d+\.\d+$/.test(t)), `no fractional count in ${JSON.stringify(labels)}`);
  });

  test('the count axis has a scale: 0 and the largest bar rounded up to a round number', async () => {
    // uPlot keeps its ticks 30 px apart: in this 110 px chart a 41-hit bar left 0 as the only label.
    await page.addInitScript(`(() => {
      if (window.__drawn) return;
      window.__drawn = [];
      const fill = CanvasRenderingContext2D.prototype.fillText;
      CanvasRenderingContext2D.prototype.fillText = function (text, ...rest) { window.__drawn.push(String(text)); return fill.call(this, text, ...rest); };
    })()`);
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from: new Date(from).toISOString(), to: new Date(to).toISOString(), tz: 'utc' })}`);
    await page.locator('.histogram canvas').waitFor();
    await page.waitForFunction(`document.querySelector('.histogram')?.dataset.sum === ${JSON.stringify(String(await apiTotal(srv, '', new Date(from).toISOString(), new Date(to).toISOString())))}`);
    const agg = await fetch(`${srv.url}/api/v1/aggregate?${new URLSearchParams({ type: 'date_histogram', q: '', from: new Date(from).toISOString(), to: new Date(to).toISOString(), interval: '10s' })}`);
    const largest = Math.max(...((await agg.json()) as { buckets: { count: number }[] }).buckets.map((b) => b.count));
    assert.ok(largest >= BURST);
    const counts = ((await page.evaluate('window.__drawn')) as string[])
      .filter((t) => /^[\d,]+$/.test(t)).map((t) => Number(t.replace(/,/g, '')));
    const top = Math.max(...counts);
    assert.ok(counts.includes(0), JSON.stringify(counts));
    assert.ok(top >= largest && top <= largest * 1.5, `top label ${top} for a largest bar of ${largest} (${JSON.stringify(counts)})`);
  });
});

describe('search page: histogram axis labels on short ranges (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 90_000 }, () => {
  let srv: ServerHandle;
  let page: Page;
  // A minute on a whole minute: its first tick, on the chart's left edge,
  // carries the date and time (`2026-12-06 09:20` under `:00`).
  const start = Math.floor((Date.now() - 10 * 60_000) / 60_000) * 60_000;

  pageSuite({
    seed: (srv) => ingest(srv.url, Array.from({ length: 30 }, (_, i) => JSON.stringify({
      '@timestamp': new Date(start + 500 + i * 2_000).toISOString(), level: 'info', host: 'web-1', message: `second ${i * 2}`,
    }))),
  }, (s) => ({ srv, page } = s));

  test('on a one-minute range every label is whole inside the chart, the date and time under the first tick too', async () => {
    // Where each text drawn on a canvas starts and ends, in the canvas's pixels.
    await page.addInitScript(`(() => {
      window.__labels = [];
      const fill = CanvasRenderingContext2D.prototype.fillText;
      CanvasRenderingContext2D.prototype.fillText = function (text, x, y, ...rest) {
        const w = this.measureText(String(text)).width;
        const left = this.textAlign === 'center' ? x - w / 2 : this.textAlign === 'right' || this.textAlign === 'end' ? x - w : x;
        const m = this.getTransform();
        window.__labels.push({ text: String(text), left: m.a * left + m.e, right: m.a * (left + w) + m.e, width: this.canvas.width });
        return fill.call(this, text, x, y, ...rest);
      };
    })()`);
    for (const tz of ['utc', 'local']) {
      await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from: new Date(start).toISOString(), to: new Date(start + 60_000).toISOString(), tz })}`);
      await page.waitForFunction(`document.querySelector('.histogram')?.dataset.sum === '30'`);
      const labels = (await page.evaluate('window.__labels')) as { text: string; left: number; right: number; width: number }[];
      assert.ok(labels.some((l) => /\d{4}-\d{2}-\d{2} \d{2}:\d{2}/.test(l.text)), `the date among ${JSON.stringify(labels.map((l) => l.text))}`);
      const cut = labels.filter((l) => l.text.trim() !== '' && (l.left < 0 || l.right > l.width));
      assert.deepEqual(cut, [], `${tz}: labels cut at the chart's edges`);
      await page.evaluate('window.__labels = []');
    }
  });
});
