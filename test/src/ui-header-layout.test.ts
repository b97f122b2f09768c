/**
 * The header keeps one row on a laptop screen whatever the time range says.
 * An absolute range (`2026-12-06 09:00:00 → 2026-12-06 09:30:00`, as a
 * histogram drag or a link gives) took the query bar's room: its placeholder
 * wrapped onto a second line and the whole header grew, pushing the
 * histogram down; narrower, the query bar dropped to a row of its own.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { HAVE_CHROMIUM } from './browser.js';
import { ingest, type ServerHandle } from './harness.js';
import { waitForTotal, pageSuite, recentLines } from './ui-support.js';

interface Layout {
  headerHeight: number;
  /** Each header child's vertical middle. */
  middles: number[];
  barHeight: number;
  lineHeight: number;
  barWidth: number;
  rangeCut: boolean;
  rangeTitle: string | null;
  overflow: boolean;
}

async function layout(page: Page): Promise<Layout> {
  return page.evaluate(`(() => {
    const top = document.querySelector('.top');
    const bar = document.querySelector('.query-bar');
    const button = document.querySelector('.time-picker .range');
    return {
      headerHeight: top.getBoundingClientRect().height,
      middles: [...top.children].map((c) => { const r = c.getBoundingClientRect(); return Math.round(r.top + r.height / 2); }),
      barHeight: bar.querySelector('.cm-content').getBoundingClientRect().height,
      lineHeight: bar.querySelector('.cm-line').getBoundingClientRect().height,
      barWidth: bar.getBoundingClientRect().width,
      rangeCut: button.scrollWidth > button.clientWidth,
      rangeTitle: button.getAttribute('title'),
      overflow: document.documentElement.scrollWidth > window.innerWidth,
    };
  })()`) as Promise<Layout>;
}

describe('search page: the header with an absolute time range (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 90_000 }, () => {
  let srv: ServerHandle;
  let page: Page;
  const to = Math.floor((Date.now() - 60_000) / 1000) * 1000;
  const absolute = { q: '', from: new Date(to - 30 * 60_000).toISOString(), to: new Date(to).toISOString() };

  pageSuite({
    seed: (srv) => ingest(srv.url, recentLines(20, 60_000, (i) => ({ level: 'info', host: 'web-1', message: `line ${i}` }))),
  }, (s) => ({ srv, page } = s));

  for (const width of [1280, 1024]) {
    test(`at ${width} px: one row, the query bar one line high and wide enough to type in`, async () => {
      await page.setViewportSize({ width, height: 800 });
      await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from: 'now-1h', to: 'now' })}`);
      await waitForTotal(page, 20);
      const relative = await layout(page);
      await page.goto(`${srv.url}/?${new URLSearchParams(absolute)}`);
      await page.locator('.total[data-total]:not([data-total=""])').waitFor();
      const abs = await layout(page);
      for (const [name, l] of [['relative', relative], ['absolute', abs]] as const) {
        assert.equal(new Set(l.middles).size, 1, `${name}: the header's items on one row (${JSON.stringify(l.middles)})`);
        assert.ok(l.barHeight <= l.lineHeight + 12, `${name}: query bar ${l.barHeight}px high for a ${l.lineHeight}px line`);
        assert.ok(l.barWidth >= 300, `${name}: query bar ${l.barWidth}px wide`);
        assert.equal(l.overflow, false, `${name}: no horizontal scrolling`);
      }
      assert.equal(abs.headerHeight, relative.headerHeight, 'the header as high as with a relative range');
      assert.equal(abs.lineHeight, relative.lineHeight, 'the query bar\'s line as high as with a relative range');
      // Cut only where it must be, and then whole on hover.
      if (width === 1280) assert.equal(abs.rangeCut, false, 'the whole range shown at 1280 px');
      if (abs.rangeCut) assert.match(abs.rangeTitle ?? '', / → /);
    });
  }
});
