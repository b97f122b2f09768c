/**
 * Text contrast of the level labels and error messages, light and dark. The
 * labels were drawn in the histogram's bar colours: WARNING read at 2.5:1 on
 * white, DEBUG at 3.1:1, ERROR at 4.4:1, under the 4.5:1 WCAG AA asks of
 * text this size; a warning is the word an operator scans the list for.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { HAVE_CHROMIUM } from './browser.js';
import { ingest, type ServerHandle } from './harness.js';
import { waitForTotal, pageSuite, recentLines } from './ui-support.js';

const LEVELS = ['debug', 'info', 'notice', 'warning', 'error', 'critical'];

/** WCAG contrast ratio of two colours as Chromium computes them: `rgb(r, g, b)` or, for color-mix(), `color(srgb r g b)`. */
function contrast(a: string, b: string): number {
  const lum = (c: string) => {
    const scale = c.startsWith('color(srgb') ? 1 : 255;
    const [r, g, bl] = (c.replace(/^color\(srgb/, '').match(/[\d.]+/g) ?? []).slice(0, 3).map((v) => {
      const x = Number(v) / scale;
      return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

describe('search page: text contrast (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 60_000 }, () => {
  let srv: ServerHandle;
  let page: Page;

  pageSuite({
    seed: (srv) => ingest(srv.url, recentLines(LEVELS.length, 10_000, (i) => ({ level: LEVELS[i], host: 'web-1', message: `line ${i}` }))),
  }, (s) => ({ srv, page } = s));

  /** [label, colour, background] for each level shown, on the page and on a hovered row. */
  async function labels(): Promise<[string, string, string][]> {
    return page.evaluate(`(() => {
      const root = getComputedStyle(document.documentElement);
      // A colour variable as the browser resolves it (rgb()).
      const resolve = (v) => { const el = document.createElement('i'); el.style.color = root.getPropertyValue(v); document.body.append(el); const c = getComputedStyle(el).color; el.remove(); return c; };
      const backgrounds = [resolve('--bg'), resolve('--hover')];
      return [...document.querySelectorAll('.results .level')].flatMap((el) => backgrounds.map((bg) => [el.textContent, getComputedStyle(el).color, bg]));
    })()`);
  }

  for (const scheme of ['light', 'dark'] as const) {
    test(`${scheme}: every level label and an error message read at 4.5:1 or more`, async () => {
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from: 'now-1h', to: 'now' })}`);
      await waitForTotal(page, LEVELS.length);
      const shown = await labels();
      assert.equal(new Set(shown.map(([l]) => l)).size, LEVELS.length);
      for (const [label, fg, bg] of shown) {
        const ratio = contrast(fg, bg);
        assert.ok(ratio >= 4.5, `${label} ${fg} on ${bg}: ${ratio.toFixed(2)}:1`);
      }
      await page.goto(`${srv.url}/?${new URLSearchParams({ q: 'level:(error', from: 'now-1h', to: 'now' })}`);
      const alert = page.locator('.query-error');
      await alert.waitFor();
      const [fg, bg] = await page.evaluate(`(() => { const s = getComputedStyle(document.querySelector('.query-error')); return [s.color, s.backgroundColor]; })()`) as [string, string];
      assert.ok(contrast(fg!, bg!) >= 4.5, `query error ${fg} on ${bg}: ${contrast(fg!, bg!).toFixed(2)}:1`);
    });
  }
});
