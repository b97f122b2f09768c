/**
 * The histogram's time-axis labels never overlap, from a phone to a 2560 px
 * monitor: at 2560 px a week's chart put the first tick's date
 * (`2026-11-29`) over the next day's (`11-30`), as uPlot kept ticks 50 px
 * apart whatever they said. Each label's box is measured as Chromium draws
 * it on the chart's canvas.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { HAVE_CHROMIUM } from './browser.js';
import { canvasLabels, RECORD_CANVAS_LABELS } from './canvas-labels.js';
import { ingest, type ServerHandle } from './harness.js';
import { pageSuite } from './ui-support.js';

/** A time-axis label as these checks read it: its edges in canvas pixels, and the canvas's width. */
interface Label { text: string; left: number; right: number; y: number; width: number }

const MINUTE = 60_000;
const RANGES: [string, number][] = [
  ['1 minute', MINUTE], ['15 minutes', 15 * MINUTE], ['1 hour', 60 * MINUTE], ['24 hours', 1440 * MINUTE],
  ['7 days', 7 * 1440 * MINUTE], ['30 days', 30 * 1440 * MINUTE], ['1 year', 365 * 1440 * MINUTE],
];

async function axisLabels(page: Page, srv: ServerHandle, from: number, to: number, tz: string): Promise<Label[]> {
  await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from: new Date(from).toISOString(), to: new Date(to).toISOString(), tz })}`);
  await page.waitForFunction(`document.querySelector('.total')?.dataset.total === '${EVENTS}' && Number(document.querySelector('.histogram')?.dataset.buckets) > 0`, undefined, { timeout: 10_000 });
  // The drawing after the answer, and after the chart took its box's width.
  await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
  // Centred labels only: the time axis's.
  return (await canvasLabels(page)).filter((l) => l.align === 'center')
    .map((l) => ({ text: l.text, left: l.canvasLeft, right: l.canvasRight, y: l.y, width: l.canvasWidth }));
}

/** Less than this between two labels and they read as one (`2026-11-2911-30`). */
const MIN_GAP_PX = 4;

/** Labels of one line (one y) that overlap or touch, or leave the canvas. */
function problems(labels: Label[]): string[] {
  const out: string[] = [];
  const lines = new Map<number, Label[]>();
  for (const l of labels) lines.set(l.y, [...(lines.get(l.y) ?? []), l]);
  for (const line of lines.values()) {
    line.sort((a, b) => a.left - b.left);
    for (let i = 1; i < line.length; i++) {
      const [a, b] = [line[i - 1]!, line[i]!];
      if (b.left - a.right < MIN_GAP_PX) out.push(`"${a.text}" [${a.left.toFixed(1)}, ${a.right.toFixed(1)}] runs into "${b.text}" [${b.left.toFixed(1)}, ${b.right.toFixed(1)}]`);
    }
  }
  for (const l of labels) if (l.left < 0 || l.right > l.width) out.push(`"${l.text}" cut at the canvas's edge`);
  return out;
}

const EVENTS = 14;

describe('search page: histogram time-axis labels at every width (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 180_000 }, () => {
  let srv: ServerHandle;
  let page: Page;
  // Every range starts at 19:30 UTC yesterday: a first tick shortly before
  // midnight carries the whole date, right before the next day's (where
  // uPlot's ticks crowded). In the page's local zone, half an hour off
  // UTC, that is 01:00.
  const from = Math.floor(Date.now() / (1440 * MINUTE)) * 1440 * MINUTE - 270 * MINUTE;

  pageSuite({
    timezoneId: 'Asia/Kolkata',
    // In every range: just after its start.
    seed: (srv) => ingest(srv.url, Array.from({ length: EVENTS }, (_, i) => JSON.stringify({
      '@timestamp': new Date(from + 1_000 + i * 100).toISOString(), level: 'info', host: 'web-1', message: `event ${i}`,
    }))),
  }, (s) => ({ srv, page } = s));

  for (const width of [375, 1280, 2560]) {
    test(`${width} px wide: no two labels of a line overlap, none is cut, and each range has a scale`, async () => {
      await page.setViewportSize({ width, height: 800 });
      await page.addInitScript(RECORD_CANVAS_LABELS);
      const found: string[] = [];
      for (const tz of ['utc', 'local']) {
        for (const [name, length] of RANGES) {
          const labels = await axisLabels(page, srv, from, from + length, tz);
          const ys = [...new Set(labels.map((l) => l.y))].sort((a, b) => a - b);
          const first = labels.filter((l) => l.y === ys[0]);
          if (first.length < 2) found.push(`${tz} ${name}: ${first.length} labels on the axis (${JSON.stringify(labels.map((l) => l.text))})`);
          for (const p of problems(labels)) found.push(`${tz} ${name}: ${p}`);
        }
      }
      assert.deepEqual(found, []);
    });
  }
});
