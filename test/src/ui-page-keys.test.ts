/**
 * Moving through the results by keyboard keeps the focused row whole in
 * sight.
 *
 * Page Down and Page Up, as in any list or grid: they were
 * the browser's: the list scrolled under the focused row, which left the
 * page once out of sight (only rows near the viewport are in it), so the
 * second press scrolled nothing and ↓ moved nothing, focus being on the
 * page's body. Now they move focus a list's height, the row kept in sight.
 *
 * Page Down past the rows loaded so far (the page loads 100 at a time)
 * stopped at the last loaded row when the next page had not come yet: it
 * now waits for it and goes a full page on. The next page's real answer is
 * held back until after that press, so the order is always the one that
 * failed, not left to the race.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page, Request, Route } from 'playwright-core';
import { HAVE_CHROMIUM } from './browser.js';
import { ingest, type ServerHandle } from './harness.js';
import { pageSuite, recentLines, waitForTotal } from './ui-support.js';

const EVENTS = 300;
/** Rows the page's first answer holds (packages/ui/src/search-results.ts, PAGE_SIZE). */
const FIRST_PAGE = 100;

/** The page's requests for a next page: a search with a cursor. */
const isNextPage = (req: Request): boolean => new URL(req.url()).pathname === '/api/v1/search' && new URL(req.url()).searchParams.has('cursor');

/**
 * Holds the page's next-page requests until `release`, then lets them and
 * any later ones go on to the server: its real answer, only late.
 */
async function holdNextPages(page: Page): Promise<{ asked: () => number; release: () => Promise<void>; stop: () => Promise<void> }> {
  const held: Route[] = [];
  let open = false;
  let asked = 0;
  const handler = async (route: Route): Promise<void> => {
    if (!isNextPage(route.request())) return route.continue();
    asked++;
    if (open) return route.continue();
    held.push(route);
  };
  await page.route('**/api/v1/search*', handler);
  const release = async (): Promise<void> => {
    open = true;
    for (const r of held.splice(0)) await r.continue();
  };
  return {
    asked: () => asked,
    release,
    stop: async () => {
      await release();
      await page.unroute('**/api/v1/search*', handler);
    },
  };
}

describe('search page: moving through the results by keyboard (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 60_000 }, () => {
  let srv: ServerHandle;
  let page: Page;
  let problems: string[] = [];

  pageSuite({
    seed: (srv) => ingest(srv.url, recentLines(EVENTS, 5_000, (i) => ({ level: 'info', host: 'web-1', message: `line ${i}` }))),
  }, (s) => ({ srv, page, problems } = s));

  /** The focused row's index, and whether it is inside the list's visible box. */
  const focus = async (): Promise<{ index: number | null; inSight: boolean }> => (await page.evaluate(`(() => {
    const el = document.activeElement;
    const box = document.querySelector('.results').getBoundingClientRect();
    const r = el.getBoundingClientRect();
    return { index: el.dataset.index === undefined ? null : Number(el.dataset.index), inSight: r.top >= box.top - 1 && r.bottom <= box.bottom + 1 };
  })()`)) as { index: number | null; inSight: boolean };

  /**
   * A script: whether the words of the line under the rows (`.more`:
   * loading, failed, the end) are whole in the list's sight. Its words, not
   * its box: under a focused row kept whole at the top, the box's bottom
   * padding can fall below the list (the list 518 px, the rows after the
   * focused one 490 and the line 37.5, with the histogram's 2026-12-07 height).
   */
  const moreInSight = (selector: string): string => `(() => {
    const box = document.querySelector('.results').getBoundingClientRect();
    const el = document.querySelector('.results ${selector}');
    if (!el || el.textContent.trim() === '') return false;
    const range = document.createRange();
    range.selectNodeContents(el);
    const words = range.getBoundingClientRect();
    return words.height > 0 && words.top >= box.top - 1 && words.bottom <= box.bottom + 1;
  })()`;

  /** Whole rows the list shows at once. */
  const rowsInSight = async (): Promise<number> => await page.evaluate(`Math.floor(document.querySelector('.results').clientHeight / document.querySelector('.results [data-index="0"]').offsetHeight)`) as number;

  /**
   * Waits (5 s at most) for focus on a row at `atLeast` or further; the
   * caller's assertions then say where it is if it never got there.
   */
  const settleOn = async (atLeast: number): Promise<void> => {
    await page.waitForFunction(`Number(document.activeElement?.dataset.index) >= ${atLeast}`, undefined, { timeout: 5_000 }).catch(() => {});
  };

  /** The page on every event of the last hour, focus on its first row. */
  const openOnFirstRow = async (): Promise<void> => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from: 'now-1h', to: 'now' })}`);
    await waitForTotal(page, EVENTS);
    await page.locator('.results [data-index="0"]').focus();
  };

  /** Page Down a page at a time while a page still fits in the rows loaded; the row focus ends on. */
  const pageDownWhileAPageFits = async (perPage: number): Promise<number> => {
    let at = 0;
    while (at + perPage < FIRST_PAGE - 1) {
      await page.keyboard.press('PageDown');
      await settleOn(at + perPage - 2);
      at = (await focus()).index!;
    }
    return at;
  };

  test('↑ far down the list brings the row whole into sight', async () => {
    // Rows are 24.5 px high; measured rounded (25), the offsets ran ahead of
    // the rows by half a pixel a row, and ↑ scrolled a row's top out of sight.
    await openOnFirstRow();
    for (let k = 0; k < 80; k++) await page.keyboard.press('ArrowDown');
    await page.waitForFunction(`document.activeElement?.dataset.index === '80'`);
    const out: string[] = [];
    for (let k = 79; k >= 50; k--) {
      await page.keyboard.press('ArrowUp');
      await page.waitForFunction(`document.activeElement?.dataset.index === '${k}'`);
      const f = await focus();
      if (!f.inSight) out.push(`row ${k}`);
    }
    assert.deepEqual(out, [], 'rows focused by ↑ but not whole in sight');
    assert.deepEqual(problems, []);
  });

  test('each Page Down moves focus on by about a list\'s height, in sight; Page Up comes back; ↓ goes on from there', async () => {
    const next = await holdNextPages(page);
    try {
      await openOnFirstRow();
      const perPage = await rowsInSight();
      assert.ok(perPage >= 5, `${perPage} rows in sight`);
      const seen: number[] = [0];
      for (let k = 0; k < 5; k++) {
        const from = seen.at(-1)!;
        await page.keyboard.press('PageDown');
        // The press that goes past the loaded rows comes before the next
        // page does (held until now): the order the race sometimes took.
        if (from + perPage >= FIRST_PAGE - 1) {
          assert.equal(await page.evaluate(`Math.max(...[...document.querySelectorAll('.results [data-index]')].map((e) => Number(e.dataset.index)))`), FIRST_PAGE - 1, 'only the first page loaded at the press');
          // Meanwhile focus stays on its row, in sight, and "Loading more…"
          // shows under the rows.
          const waiting = await focus();
          assert.ok(waiting.index === from && waiting.inSight, `focus on row ${from}, in sight, while the next page loads: ${JSON.stringify(waiting)}`);
          await page.waitForFunction(moreInSight('.more'));
          await next.release();
        }
        await settleOn(from + perPage - 2);
        const f = await focus();
        assert.ok(f.index !== null, `focus on a row after Page Down ${k + 1}, not on the page (${JSON.stringify(seen)})`);
        assert.ok(f.inSight, `row ${f.index} in sight`);
        // A page on: the last row in sight, then a list's height each time.
        assert.ok(f.index - from >= perPage - 2 && f.index - from <= perPage + 1, `Page Down from ${from} to ${f.index} (${perPage} rows a page)`);
        seen.push(f.index);
      }
      assert.ok(seen.at(-1)! >= FIRST_PAGE, `went past the first page (${JSON.stringify(seen)})`);
      await page.keyboard.press('PageUp');
      await page.waitForFunction(`document.activeElement?.dataset.index !== '${seen.at(-1)}'`);
      const up = await focus();
      assert.ok(up.index !== null && up.inSight && up.index < seen.at(-1)! && up.index >= seen.at(-1)! - perPage - 1, JSON.stringify({ up, seen }));
      await page.keyboard.press('ArrowDown');
      assert.equal((await focus()).index, up.index + 1);
      assert.deepEqual(problems, []);
    } finally {
      await next.stop();
    }
  });

  test('Page Down twice past the loaded rows while the next page loads: two pages on once it comes', async () => {
    const next = await holdNextPages(page);
    try {
      await openOnFirstRow();
      const perPage = await rowsInSight();
      const at = await pageDownWhileAPageFits(perPage);
      await page.keyboard.press('PageDown');
      await page.keyboard.press('PageDown');
      await next.release();
      await settleOn(at + 2 * perPage - 3);
      const f = await focus();
      assert.ok(f.index !== null && f.inSight, JSON.stringify(f));
      assert.ok(f.index - at >= 2 * perPage - 3 && f.index - at <= 2 * perPage + 2, `two Page Downs from ${at} to ${f.index} (${perPage} rows a page)`);
      assert.deepEqual(problems, []);
    } finally {
      await next.stop();
    }
  });

  test('Page Down on the last of all the results stays there', async () => {
    await openOnFirstRow();
    // End goes to the last row loaded; the list, at its end, asks for the
    // next page, so End again goes on, until the results end.
    while ((await focus()).index !== EVENTS - 1) {
      await page.keyboard.press('End');
      const last = (await focus()).index!;
      await page.waitForFunction(`document.querySelector('.results [data-index="${last + 1}"]') || document.querySelector('.results .more.end')`, undefined, { timeout: 5_000 });
    }
    await page.keyboard.press('PageDown');
    assert.deepEqual(await focus(), { index: EVENTS - 1, inSight: true });
    // Keys are handled in order: ↑ lands one above where Page Down left focus.
    await page.keyboard.press('ArrowUp');
    await page.waitForFunction(`document.activeElement?.dataset.index !== '${EVENTS - 1}'`, undefined, { timeout: 5_000 });
    assert.equal((await focus()).index, EVENTS - 2);
    assert.ok(await page.evaluate(moreInSight('.more.end')), '"End of results" in sight');
    assert.deepEqual(problems, []);
  });

  // Last: it stops the suite's server.
  test('Page Down past the loaded rows when the next page fails: the last loaded row, with Retry in sight', async () => {
    const next = await holdNextPages(page);
    try {
      await openOnFirstRow();
      const perPage = await rowsInSight();
      await pageDownWhileAPageFits(perPage);
      await page.keyboard.press('PageDown');
      // Killed, as a crash, while the next page is on its way.
      await srv.stop('SIGKILL');
      await next.release();
      await page.locator('.results .more.error').waitFor({ timeout: 10_000 });
      await settleOn(FIRST_PAGE - 1);
      assert.deepEqual(await focus(), { index: FIRST_PAGE - 1, inSight: true });
      assert.ok(await page.evaluate(moreInSight('.more.error')), 'Retry in sight');
    } finally {
      await next.stop();
    }
  });
});
