/**
 * A long traceback in the result list at 1280×800: the row shows its first
 * lines, how many are left out and its last line, where Python prints the
 * exception (a row clamped to its first 10 lines hid the line a reader
 * needs). The traceback is a real one: python3 runs a program that fails 18
 * calls deep (40 lines). In the column table a row shows its first line,
 * the count and the last.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { HAVE_CHROMIUM, screenshot } from './browser.js';
import { ingest, type ServerHandle } from './harness.js';
import { pageSuite, recentLines, waitForTotal } from './ui-support.js';

// Each frame two lines (a call that is its whole line gets no carets): 2 × (18 + 1) + the first and last lines.
const DEPTH = 18;
const PROGRAM = [
  ...Array.from({ length: DEPTH - 1 }, (_, i) => `def f${i}(order):\n    f${i + 1}(order)`),
  `def f${DEPTH - 1}(order):\n    raise RuntimeError(f"order {order} quantity unreadable")`,
  'f0(42)',
].join('\n');
const EXCEPTION = 'RuntimeError: order 42 quantity unreadable';
const SOURCE = '/var/log/orders/worker.log';

/** The program run from a file, so each frame shows its source line as in a service's log. */
function traceback(): string {
  const dir = mkdtempSync(join(tmpdir(), 'logship-trace-'));
  try {
    writeFileSync(join(dir, 'orders.py'), `${PROGRAM}\n`);
    const r = spawnSync('python3', ['orders.py'], { cwd: dir, encoding: 'utf8' });
    return r.error ? '' : r.stderr.trimEnd();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const TRACE = HAVE_CHROMIUM ? traceback() : '';

/** Whether `text` is drawn inside the traceback row's message box (not clamped away), and what the box shows as cut. */
async function drawn(page: Page, text: string): Promise<{ inside: boolean; skipped: string | null }> {
  // A string: the tests are compiled without the DOM's types.
  return (await page.evaluate(`(() => {
    const el = [...document.querySelectorAll('.results .message')].find((m) => m.textContent.startsWith('Traceback'));
    const text = ${JSON.stringify(text)};
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    let inside = false;
    for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
      const at = node.textContent.indexOf(text);
      if (at < 0) continue;
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + text.length);
      const r = range.getBoundingClientRect();
      // Inside the part that holds it and inside the message: neither clamps it away.
      const boxes = [node.parentElement, el].map((e) => e.getBoundingClientRect());
      inside = r.height > 0 && boxes.every((b) => r.top >= b.top - 1 && r.bottom <= b.bottom + 1);
    }
    return { inside, skipped: el.querySelector('.skipped')?.textContent ?? null };
  })()`)) as { inside: boolean; skipped: string | null };
}

describe('search page: a long traceback\'s row shows its exception line (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 60_000 }, () => {
  let srv: ServerHandle;
  let page: Page;
  let problems: string[] = [];

  pageSuite({
    viewport: { width: 1280, height: 800 },
    seed: (srv) => ingest(srv.url, recentLines(3, 10_000, (i) => (i === 1 ? { '@raw': TRACE, source: SOURCE } : { message: `order ${i} placed`, level: 'info', source: SOURCE }))),
  }, (s) => ({ srv, page, problems } = s));

  test('the traceback is a real one of 40 lines', () => {
    assert.equal(TRACE.split('\n').length, 40, TRACE);
    assert.ok(TRACE.endsWith(`\n${EXCEPTION}`), TRACE);
  });

  test('the list row: its first lines, "… 31 lines …", and the exception line, in sight', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from: 'now-1h', to: 'now' })}`);
    await waitForTotal(page, 3);
    await page.locator('.results .message', { hasText: 'Traceback' }).waitFor();
    await screenshot(page, 'trace-row');
    const exception = await drawn(page, EXCEPTION);
    assert.equal(exception.inside, true, 'the exception line is drawn in the row');
    assert.equal(exception.skipped, '… 31 lines …');
    assert.equal((await drawn(page, 'Traceback (most recent call last):')).inside, true, 'and the first line');
    // The rows around it are as before.
    assert.deepEqual(await page.locator('.results .message', { hasText: 'placed' }).allTextContents(), ['order 0 placed', 'order 2 placed']);
    assert.deepEqual(problems, []);
  });

  test('the column table row: the first line, the count and the exception line', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from: 'now-1h', to: 'now', cols: 'level' })}`);
    await waitForTotal(page, 3);
    await page.locator('.results .table-line .message', { hasText: 'Traceback' }).waitFor();
    await screenshot(page, 'trace-row-table');
    const exception = await drawn(page, EXCEPTION);
    assert.equal(exception.inside, true, 'the exception line is drawn in the row');
    assert.equal(exception.skipped, '… 38 lines …');
    assert.deepEqual(problems, []);
  });

  test("the context view's anchor still shows every line, the left-out ones in their place", async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from: 'now-1h', to: 'now' })}`);
    await waitForTotal(page, 3);
    const row = page.locator('.results [data-index]', { has: page.locator('.message', { hasText: 'Traceback' }) });
    await row.locator('.line').click();
    await row.getByRole('button', { name: 'Lines around' }).click();
    const anchor = page.getByRole('dialog', { name: 'Context' }).locator('li[aria-current="true"] .message');
    await anchor.waitFor();
    assert.equal(await anchor.innerText(), TRACE);
    assert.deepEqual(problems, []);
  });
});
