/**
 * The page through an accessibility checker (axe-core, the one browsers'
 * dev tools and CI audits run), rows open and closed, and ARIA 1.2's rule
 * for aria-expanded. Result rows were `listitem`s carrying aria-expanded,
 * which ARIA 1.2 does not let that role take; they are now rows of a tree
 * grid, whose rows take it. The time range button was named "Time range"
 * without the range it shows (axe's label-content-name-mismatch).
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { HAVE_CHROMIUM } from './browser.js';
import { ingest, type ServerHandle } from './harness.js';
import { waitForTotal, pageSuite, recentLines } from './ui-support.js';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

interface Violation {
  id: string;
  help: string;
  nodes: { target: string[]; failureSummary: string }[];
}

/** axe's WCAG 2.x A and AA rules over the whole page, as `id: selector …` lines. */
async function violations(page: Page): Promise<string[]> {
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.addScriptTag({ path: AXE });
  const found = (await page.evaluate(`axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }).then((r) => r.violations)`)) as Violation[];
  return found.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')} (${v.help})`));
}

/**
 * The roles WAI-ARIA 1.2 lets carry aria-expanded (its "Used in Roles").
 * axe still takes it on a listitem, as ARIA 1.1 did; 1.2 dropped that,
 * and checkers that follow it (the W3C validator, IBM's) flag it.
 */
const EXPANDABLE = ['application', 'button', 'checkbox', 'combobox', 'gridcell', 'link', 'listbox', 'menuitem', 'row', 'rowheader', 'tab', 'treeitem'];

/** Elements with aria-expanded whose role (explicit, or a <button>'s, <summary>'s, <a href>'s) does not take it. */
async function misplacedExpanded(page: Page): Promise<string[]> {
  return page.evaluate(`[...document.querySelectorAll('[aria-expanded]')].flatMap((el) => {
    const role = el.getAttribute('role') ?? (el.tagName === 'BUTTON' || el.tagName === 'SUMMARY' ? 'button' : el.tagName === 'A' && el.hasAttribute('href') ? 'link' : el.tagName === 'INPUT' ? 'combobox' : el.tagName.toLowerCase());
    return ${JSON.stringify(EXPANDABLE)}.includes(role) ? [] : [role + ' ' + el.className];
  })`) as Promise<string[]>;
}

describe('search page: accessibility checker (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 90_000 }, () => {
  let srv: ServerHandle;
  let page: Page;

  pageSuite({
    seed: (srv) => ingest(srv.url, recentLines(40, 30_000, (i) => ({ level: ['info', 'warning', 'error'][i % 3], host: `web-${i % 2}`, message: `line ${i}` }))),
  }, (s) => ({ srv, page } = s));

  test('results, an open row, the field values: no violation; rows say whether they are open', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from: 'now-1h', to: 'now' })}`);
    await waitForTotal(page, 40);
    await page.locator('.histogram canvas').waitFor();
    assert.deepEqual(await violations(page), []);
    assert.deepEqual(await misplacedExpanded(page), []);

    const row = page.locator('.results [data-index="1"]');
    assert.equal(await row.getAttribute('aria-expanded'), 'false');
    await row.focus();
    await page.keyboard.press('Enter');
    await row.locator('.detail').waitFor();
    assert.equal(await row.getAttribute('aria-expanded'), 'true');
    await page.locator('.sidebar li[data-field="host"] .field-head .link').click();
    await page.locator('.sidebar [aria-label="Top values of host"] .value').first().waitFor();
    assert.deepEqual(await violations(page), []);
    assert.deepEqual(await misplacedExpanded(page), []);
  });
});
