/**
 * The caret under a query mistake stands under the character the API's
 * offset points at, as drawn: it was padded with one space per UTF-16 unit
 * before the mistake, so it sat left of it by the extra width of each CJK
 * character (drawn by whatever font has the glyph, wider than a space) and
 * right of it by a column per combining mark (drawn over its letter). Measured
 * with the glyphs' boxes, not by counting characters.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { HAVE_CHROMIUM } from './browser.js';
import { ingest, type ServerHandle } from './harness.js';
import { apiGet, pageSuite, recentLines } from './ui-support.js';

/**
 * Left edges of the caret glyph and of the character at `index` of the
 * excerpt's first line, wherever the page splits the excerpt into nodes.
 */
function measure(page: Page, index: number): Promise<{ caret: number; target: number; char: string }> {
  return page.evaluate(`(() => {
    const pre = document.querySelector('.query-error .caret');
    const nodes = [];
    const walk = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) nodes.push(n);
    const at = (i) => {
      for (const n of nodes) { if (i < n.data.length) return [n, i]; i -= n.data.length; }
      throw new Error('past the text');
    };
    const left = (i) => { const [n, o] = at(i); const r = document.createRange(); r.setStart(n, o); r.setEnd(n, o + 1); return r.getBoundingClientRect().left; };
    const all = nodes.map((n) => n.data).join('');
    return { caret: left(all.lastIndexOf('^')), target: left(${index}), char: all[${index}] };
  })()`) as Promise<{ caret: number; target: number; char: string }>;
}

describe('search page: the error caret under wide characters and combining marks (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 60_000 }, () => {
  let srv: ServerHandle;
  let page: Page;
  const from = 'now-1h';
  const to = 'now';

  pageSuite({
    seed: (srv) => ingest(srv.url, recentLines(5, 30_000, (i) => ({ level: 'info', message: `line ${i}` }))),
  }, (s) => ({ srv, page } = s));

  async function caretFor(q: string, line: string): Promise<void> {
    const api = await apiGet<{ error: { offset: number } }>(srv, '/api/v1/search', { q, from, to });
    assert.equal(api.status, 400);
    const offset = api.body.error.offset;
    assert.equal(q[offset], ')', 'the API points at the stray )');
    await page.goto(`${srv.url}/?${new URLSearchParams({ q, from, to })}`);
    await page.locator('.query-error .caret').waitFor();
    assert.equal(await page.locator('.query-error').getAttribute('data-offset'), String(offset));
    const excerpt = (await page.locator('.query-error .caret').innerText()).split('\n');
    assert.equal(excerpt[0], line, 'the line holding the mistake');
    const m = await measure(page, line.indexOf(')'));
    assert.equal(m.char, ')');
    assert.ok(Math.abs(m.caret - m.target) < 1, `caret at x=${m.caret}, the ) at x=${m.target}`);
  }

  test('CJK characters and combining marks before the mistake', async () => {
    const q = 'message:日本語の検索 AND name:cafe\u0301 AND message:한국어 AND level:) OR level:info';
    await caretFor(q, q);
  });

  test('on the second line of a query, under that line', async () => {
    const second = 'AND message:東京 AND level:)';
    await caretFor(`level:info\n${second}`, second);
  });
});
