/**
 * The header keeps one row on a laptop screen whatever the time range says.
 * An absolute range (`2026-12-06 09:00:00 → 2026-12-06 09:30:00`, as a
 * histogram drag or a link gives) took the query bar's room: its placeholder
 * wrapped onto a second line and the whole header grew, pushing the
 * histogram down; narrower, the query bar dropped to a row of its own.
 *
 * Between a phone's width and a laptop's (761–1023 px) one row cannot hold
 * both: the range was cut to a few characters ("2…", even "L…" for "Last 3
 * hours") and only its tooltip said what was searched. There the time
 * controls go to a second row when the range does not fit beside the query
 * bar, as Kibana's date picker drops below its query bar.
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
  rangeText: string;
  /** The vertical middles of the brand, the query bar and the time range. */
  brandMiddle: number;
  barMiddle: number;
  rangeMiddle: number;
  overflow: boolean;
}

async function layout(page: Page): Promise<Layout> {
  return page.evaluate(`(() => {
    const top = document.querySelector('.top');
    const bar = document.querySelector('.query-bar');
    const button = document.querySelector('.time-picker .range');
    const middle = (el) => { const r = el.getBoundingClientRect(); return Math.round(r.top + r.height / 2); };
    return {
      headerHeight: top.getBoundingClientRect().height,
      middles: [...top.children].map((c) => { const r = c.getBoundingClientRect(); return Math.round(r.top + r.height / 2); }),
      barHeight: bar.querySelector('.cm-content').getBoundingClientRect().height,
      lineHeight: bar.querySelector('.cm-line').getBoundingClientRect().height,
      barWidth: bar.getBoundingClientRect().width,
      rangeCut: button.scrollWidth > button.clientWidth,
      rangeTitle: button.getAttribute('title'),
      rangeText: button.innerText,
      brandMiddle: middle(top.querySelector('.brand')),
      barMiddle: middle(bar),
      rangeMiddle: middle(button),
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

  for (const width of [761, 800, 900, 1000]) {
    test(`at ${width} px: the whole range readable, the query bar beside the brand and wide enough to type in`, async () => {
      await page.setViewportSize({ width, height: 800 });
      for (const [name, params] of [['relative', { q: '', from: 'now-3h', to: 'now' }], ['absolute', absolute]] as const) {
        await page.goto(`${srv.url}/?${new URLSearchParams(params)}`);
        await page.locator('.total[data-total]:not([data-total=""])').waitFor();
        const l = await layout(page);
        assert.equal(l.rangeCut, false, `${name}: the range "${l.rangeText}" shown whole (title ${l.rangeTitle})`);
        assert.match(l.rangeText, name === 'relative' ? /^Last 3 hours$/ : / → /, `${name}: the range's text`);
        assert.equal(l.barMiddle, l.brandMiddle, `${name}: the query bar on the brand's row`);
        assert.ok(l.barWidth >= 300, `${name}: query bar ${l.barWidth}px wide`);
        assert.ok(l.barHeight <= l.lineHeight + 12, `${name}: query bar ${l.barHeight}px high for a ${l.lineHeight}px line`);
        assert.equal(l.overflow, false, `${name}: no horizontal scrolling`);
        assert.ok(l.headerHeight <= 100, `${name}: the header at most two rows (${l.headerHeight}px)`);
      }
    });
  }
});
