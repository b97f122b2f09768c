/**
 * Names and values the audit found hard to read at 1440 px:
 * - the field sidebar listed field_0, field_1, field_10, field_100, field_11
 *   … (the API's plain text order) beside an opened row's natural order
 *   (field_0, field_1, field_2 …): both use the one order now;
 * - a top value one line long cut UUIDs to `3f6c1a2e-8d1b…`: it wraps onto
 *   a second line (three at most, whole on hover);
 * - the opened row's JSON ran long strings (a traceback) off its right edge:
 *   it wraps them as the fields table does.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { HAVE_CHROMIUM } from './browser.js';
import { ingest, type ServerHandle } from './harness.js';
import { pageSuite, recentLines, waitForTotal } from './ui-support.js';

const COUNT = 20;
const NUMBERED = [0, 1, 2, 3, 9, 10, 11, 12, 20, 100, 101].map((n) => `field_${n}`);
const UUIDS: string[] = Array.from({ length: COUNT }, () => randomUUID());
const LONG_WORD = `/srv/app/${'very_long_module_name/'.repeat(30)}handler.py`;
const TRACEBACK = `Traceback (most recent call last):\n  File "${LONG_WORD}", line 42, in handle\n    ${'raise ValueError("bad input " + payload) '.repeat(12)}\nValueError: bad input`;

describe('search page: field order and long values (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 60_000 }, () => {
  let srv: ServerHandle;
  let page: Page;
  let problems: string[] = [];

  pageSuite({
    viewport: { width: 1440, height: 900 },
    seed: (srv) => ingest(srv.url, recentLines(COUNT, 10_000, (i) => ({
      level: i === 0 ? 'error' : 'info', host: 'web-1', request_id: UUIDS[i], message: `request ${i}`,
      ...Object.fromEntries(NUMBERED.map((f) => [f, i])),
      ...(i === 0 ? { exc_info: TRACEBACK } : {}),
    }))),
  }, (s) => ({ srv, page, problems } = s));

  test('the sidebar lists numbered fields in the opened row\'s natural order', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from: 'now-1h', to: 'now' })}`);
    await waitForTotal(page, COUNT);
    // The field list is its own request (/api/v1/fields), answered after the hits' total at times.
    await page.locator(`.sidebar .field[data-field="${NUMBERED.at(-1)!}"]`).waitFor();
    const listed = (await page.locator('.sidebar .field').evaluateAll((els) => els.map((el) => el.getAttribute('data-field')!)))
      .filter((f) => f.startsWith('field_'));
    assert.deepEqual(listed, NUMBERED);
    await page.locator('.results [data-index="0"] .line').click();
    const inRow = (await page.locator('.results [data-index="0"] .fields-table tr').evaluateAll((els) => els.map((el) => el.getAttribute('data-field')!)))
      .filter((f) => f.startsWith('field_'));
    assert.deepEqual(inRow, listed);
    assert.deepEqual(problems, []);
  });

  test('at 1440 px a UUID top value is whole in sight, and whole on hover', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from: 'now-1h', to: 'now' })}`);
    await waitForTotal(page, COUNT);
    await page.locator('.sidebar li[data-field="request_id"] .field-head .link').click();
    const values = page.getByRole('list', { name: 'Top values of request_id' }).locator('button.value');
    await values.first().waitFor();
    const shown = (await page.evaluate(`[...document.querySelectorAll('.values button.value')].map((el) => {
      const text = el.querySelector('.value-text') ?? el;
      const lines = text.getBoundingClientRect().height / (parseFloat(getComputedStyle(text).lineHeight) || 16);
      return { text: el.textContent, cut: el.scrollWidth > el.clientWidth || text.scrollWidth > text.clientWidth || text.scrollHeight > text.clientHeight, lines, title: el.getAttribute('title') };
    })`)) as { text: string; cut: boolean; lines: number; title: string }[];
    assert.ok(shown.length >= 5, `${shown.length} values`);
    for (const v of shown) {
      assert.ok(UUIDS.includes(v.text), v.text);
      assert.equal(v.cut, false, `${v.text} is cut`);
      assert.ok(v.lines <= 2.1, `${v.text} takes ${v.lines} lines`);
      assert.equal(v.title, `Filter for request_id: ${v.text}`);
    }
    assert.deepEqual(problems, []);
  });

  test('an opened row\'s JSON wraps a long traceback instead of running off its edge', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: 'level:error', from: 'now-1h', to: 'now' })}`);
    await waitForTotal(page, 1);
    await page.locator('.results [data-index="0"] .line').click();
    const json = page.locator('.results pre.json');
    await json.waitFor();
    const m = await json.evaluate((el) => ({ scroll: el.scrollWidth, width: el.clientWidth, text: el.textContent }));
    assert.ok(m.scroll <= m.width, `the JSON is ${m.scroll}px wide in ${m.width}px`);
    assert.ok(m.text!.includes(LONG_WORD), 'the whole value is there');
    // As the fields table beside it.
    const cell = page.locator('.fields-table tr[data-field="exc_info"] .pre');
    assert.ok(await cell.evaluate((el) => el.scrollWidth <= el.clientWidth));
    assert.deepEqual(problems, []);
  });
});
