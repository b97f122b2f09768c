/**
 * The histogram's frame as a Kibana or Grafana user reads it: a range of
 * centuries has a labelled time axis (it was blank: years 0–99 were read
 * as 1900–1999), a search with no hit labels its count axis 0 alone (it
 * said 1 and 0), every time label sits over the plot (the first date
 * reached under the count axis) and the bars have room to be read (45 px
 * of plot; the list keeps most of a short window). Labels are read as
 * Chromium draws them on the chart's canvas.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { HAVE_CHROMIUM, screenshot } from './browser.js';
import { canvasLabels, RECORD_CANVAS_LABELS } from './canvas-labels.js';
import { ingest, type ServerHandle } from './harness.js';
import { pageSuite, recentLines, waitForTotal } from './ui-support.js';

const EVENTS = 30;

/** A label as the frame's checks read it: its edges in CSS pixels of the page. */
interface Label { text: string; align: string; left: number; right: number; y: number }

interface Drawn { time: Label[]; counts: string[]; plot: { left: number; right: number; height: number } }

/** Opens the page at `params` once its answer and histogram are in, and reads the chart's last drawing. */
async function drawn(page: Page, srv: ServerHandle, params: Record<string, string>, total: number): Promise<Drawn> {
  await page.goto(`${srv.url}/?${new URLSearchParams(params)}`);
  await waitForTotal(page, total);
  await page.waitForFunction(`document.querySelector('.histogram')?.dataset.sum === '${total}'`);
  await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
  const labels: Label[] = (await canvasLabels(page)).map((l) => ({ text: l.text, align: l.align, left: l.pageLeft, right: l.pageRight, y: l.y }));
  const box = (await page.locator('.histogram .u-over').boundingBox())!;
  return {
    time: labels.filter((l) => l.align === 'center'),
    counts: labels.filter((l) => l.align !== 'center').map((l) => l.text),
    plot: { left: box.x, right: box.x + box.width, height: box.height },
  };
}

/** Labels of one line that overlap, or that reach out from over the plot. */
function problems(d: Drawn): string[] {
  const out: string[] = [];
  const lines = new Map<number, Label[]>();
  for (const l of d.time) lines.set(l.y, [...(lines.get(l.y) ?? []), l]);
  for (const line of lines.values()) {
    line.sort((a, b) => a.left - b.left);
    for (let i = 1; i < line.length; i++) if (line[i]!.left - line[i - 1]!.right < 4) out.push(`"${line[i - 1]!.text}" runs into "${line[i]!.text}"`);
  }
  for (const l of d.time) {
    if (l.left < d.plot.left - 0.5) out.push(`"${l.text}" starts ${(d.plot.left - l.left).toFixed(1)} px left of the plot, under the count axis`);
    if (l.right > d.plot.right + 0.5) out.push(`"${l.text}" ends ${(l.right - d.plot.right).toFixed(1)} px right of the plot`);
  }
  return out;
}

describe('search page: the histogram\'s axes and size (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 180_000 }, () => {
  let srv: ServerHandle;
  let page: Page;

  pageSuite({
    viewport: { width: 1440, height: 900 },
    seed: (srv) => ingest(srv.url, recentLines(EVENTS, 20_000, (i) => ({ level: i % 5 === 0 ? 'error' : 'info', host: 'web-1', message: `event ${i}` }))),
  }, (s) => ({ srv, page } = s));

  test('a range of ten thousand years labels its time axis in years, each over the plot', async () => {
    await page.addInitScript(RECORD_CANVAS_LABELS);
    // From year 1 too: its first tick is not at a round year, and the labels must still read as years.
    for (const from of ['0000-01-01', '0001-01-01']) {
      for (const tz of ['utc', 'local']) {
        const d = await drawn(page, srv, { q: '', from, to: '9999-12-31', tz }, EVENTS);
        const years = d.time.map((l) => l.text);
        assert.ok(years.length >= 5, `${from} ${tz}: ${JSON.stringify(years)} on the axis`);
        assert.ok(years.every((y) => /^\d{4,5}$/.test(y)), `${from} ${tz}: ${JSON.stringify(years)}`);
        assert.deepEqual(years.map(Number), [...years.map(Number)].sort((a, b) => a - b), `${from} ${tz}: years in order`);
        assert.deepEqual(problems(d), [], `${from} ${tz}`);
        await screenshot(page, `histogram-huge-range-${from.slice(0, 4)}-${tz}`);
      }
    }
  });

  test('every time label of a short range sits over the plot, the first date too', async () => {
    for (const width of [1440, 800, 375]) {
      await page.setViewportSize({ width, height: 900 });
      for (const tz of ['utc', 'local']) {
        const d = await drawn(page, srv, { q: '', from: 'now-15m', to: 'now', tz }, EVENTS);
        assert.ok(d.time.some((l) => /^\d{4}-\d\d-\d\d$/.test(l.text)), `${width} ${tz}: the date is on the axis: ${JSON.stringify(d.time.map((l) => l.text))}`);
        assert.deepEqual(problems(d), [], `${width} ${tz}`);
        if (tz === 'local') await screenshot(page, `histogram-first-label-${width}`);
      }
    }
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  test('a search with no hit labels its count axis 0 alone', async () => {
    const d = await drawn(page, srv, { q: 'host:nowhere', from: 'now-15m', to: 'now' }, 0);
    assert.deepEqual(d.counts, ['0']);
    await screenshot(page, 'histogram-no-hits');
    assert.ok(d.time.length >= 2, 'the time axis is still labelled');
    // With hits, a scale: 0 and a top above the largest bar.
    const hits = await drawn(page, srv, { q: '', from: 'now-15m', to: 'now' }, EVENTS);
    assert.ok(hits.counts.length >= 2 && hits.counts[0] !== hits.counts[hits.counts.length - 1], JSON.stringify(hits.counts));
  });

  test('the bars get about 120 px on a laptop, and a short window keeps most of its height for the list', async () => {
    let d = await drawn(page, srv, { q: '', from: 'now-15m', to: 'now' }, EVENTS);
    assert.ok(d.plot.height >= 110 && d.plot.height <= 160, `plot ${d.plot.height} px tall at 1440×900`);
    await page.setViewportSize({ width: 1280, height: 800 });
    d = await drawn(page, srv, { q: '', from: 'now-15m', to: 'now' }, EVENTS);
    assert.ok(d.plot.height >= 90, `plot ${d.plot.height} px tall at 1280×800`);
    const list = (await page.locator('.results').first().boundingBox())!;
    assert.ok(list.height >= 400, `the list has ${list.height} px of 800`);
    await screenshot(page, 'histogram-1280x800');
    await page.setViewportSize({ width: 1440, height: 900 });
  });
});
