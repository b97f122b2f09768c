/**
 * The query text the search page writes for the user: filter for / filter
 * out (from an expanded row and from the field sidebar's top values) and
 * field-name completion. Each must parse, and must mean what was clicked:
 * the page's total is checked against a count made here from the seed, and
 * against the API's answer for the query the page put in the URL. The same
 * filter twice is one clause; its opposite replaces it.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { HAVE_CHROMIUM } from './browser.js';
import { ingest, type ServerHandle } from './harness.js';
import { apiTotal, queryText, typeQuery, urlParams, waitForQuery, waitForTotal, pageSuite } from './ui-support.js';

// A Kubernetes label as shippers flatten it: its name holds a `/`, which the
// query language reserves (a regex delimiter).
const LABEL = 'kubernetes.labels.app.kubernetes.io/name';
const APPS = ['checkout', 'cart', 'search'];
const HOSTS = ['web-1', 'web-2', 'web-3'];
const LEVELS = ['info', 'error', 'warning', 'info', 'error'];
const COUNT = 150;

interface Seed { host: string; level: string; app: string }

function seed(endMs: number): { lines: string[]; events: Seed[] } {
  const lines: string[] = [];
  const events: Seed[] = [];
  for (let i = 0; i < COUNT; i++) {
    const ev = { host: HOSTS[i % 3]!, level: LEVELS[i % 5]!, app: APPS[i % 3 === 0 ? 0 : i % 7 === 0 ? 2 : 1]! };
    events.push(ev);
    lines.push(JSON.stringify({
      '@timestamp': new Date(endMs - i * 10_000).toISOString(),
      host: ev.host,
      level: ev.level,
      source: 'app',
      [LABEL]: ev.app,
      message: `request ${i}`,
    }));
  }
  return { lines, events };
}

describe('search page: filter clauses (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 90_000 }, () => {
  let srv: ServerHandle;
  let page: Page;
  let events: Seed[] = [];
  let problems: string[] = [];
  const from = 'now-1h';
  const to = 'now';
  const count = (pred: (e: Seed) => boolean) => events.filter(pred).length;

  pageSuite({
    seed: async (srv) => {
      const s = seed(Date.now() - 5_000);
      events = s.events;
      await ingest(srv.url, s.lines);
    },
  }, (s) => ({ srv, page, problems } = s));

  async function open(q: string, expected: number): Promise<void> {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q, from, to })}`);
    await waitForTotal(page, expected);
  }

  test('filter for / out a field whose name holds a reserved character (`/`): the query parses and matches the value', async () => {
    await open('', COUNT);
    const row = page.locator('.results [data-index="0"]');
    await row.locator('.message').click();
    const value = (await row.locator(`.detail tr[data-field="${LABEL}"] td.value`).innerText()).trim();
    await row.locator('.detail').getByRole('button', { name: `Filter for ${LABEL}`, exact: true }).click();
    const q = `kubernetes.labels.app.kubernetes.io\\/name:"${value}"`;
    await waitForQuery(page, q);
    await waitForTotal(page, count((e) => e.app === value));
    assert.equal(await page.getByRole('alert').count(), 0, 'no syntax error');
    assert.equal(await apiTotal(srv, q, from, to), count((e) => e.app === value));

    const first = page.locator('.results [data-index="0"]');
    await first.locator('.message').click();
    const host = (await first.locator('.detail tr[data-field="host"] td.value').innerText()).trim();
    await first.locator('.detail').getByRole('button', { name: 'Filter out host', exact: true }).click();
    await waitForQuery(page, `${q} AND -host:"${host}"`);
    await waitForTotal(page, count((e) => e.app === value && e.host !== host));
    assert.deepEqual(problems, []);
  });

  test('a filter added to a query whose top level is `||` applies to the whole query, not its last alternative', async () => {
    const q = 'host:"web-1" || host:"web-2"';
    await open(q, count((e) => e.host === 'web-1' || e.host === 'web-2'));
    const level = page.locator('.sidebar li[data-field="level"]');
    await level.locator('.field-head .link').click();
    await level.locator('.values .value', { hasText: 'error' }).click();
    await waitForQuery(page, `(${q}) AND level:"error"`);
    const expected = count((e) => (e.host === 'web-1' || e.host === 'web-2') && e.level === 'error');
    await waitForTotal(page, expected);
    assert.equal(await apiTotal(srv, urlParams(page).get('q')!, from, to), expected);
  });

  test('the field sidebar filters a top value out (−) as well as in', async () => {
    await open('', COUNT);
    const field = page.locator(`.sidebar li[data-field="${LABEL}"]`);
    await field.locator('.field-head .link').click();
    await field.getByRole('button', { name: `Filter out ${LABEL}: cart` }).click();
    await waitForQuery(page, `-kubernetes.labels.app.kubernetes.io\\/name:"cart"`);
    await waitForTotal(page, count((e) => e.app !== 'cart'));
    const host = page.locator('.sidebar li[data-field="host"]');
    await host.locator('.field-head .link').click();
    await host.getByRole('button', { name: 'Filter out host: web-3' }).click();
    await waitForQuery(page, `-kubernetes.labels.app.kubernetes.io\\/name:"cart" AND -host:"web-3"`);
    await waitForTotal(page, count((e) => e.app !== 'cart' && e.host !== 'web-3'));
  });

  test('the same filter again changes nothing; its opposite replaces it, as Kibana\'s filter pills flip', async () => {
    await open('', COUNT);
    const level = page.locator('.sidebar li[data-field="level"]');
    await level.locator('.field-head .link').click();
    await level.locator('.values .value', { hasText: 'error' }).click();
    await waitForQuery(page, 'level:"error"');
    await waitForTotal(page, count((e) => e.level === 'error'));
    // Again (the open list now holds error alone), then out: one clause, flipped.
    await level.locator('.values .value', { hasText: 'error' }).click();
    await level.getByRole('button', { name: 'Filter out level: error' }).click();
    await waitForQuery(page, '-level:"error"');
    await waitForTotal(page, count((e) => e.level !== 'error'));

    // A clause typed by hand (no quotes, NOT) is the same filter.
    await open('NOT level:error AND host:web-1', count((e) => e.level !== 'error' && e.host === 'web-1'));
    const row = page.locator('.results [data-index="0"]');
    await row.locator('.message').click();
    await row.getByRole('button', { name: 'Filter out host', exact: true }).click();
    await waitForQuery(page, 'NOT level:error AND -host:"web-1"');
    await waitForTotal(page, count((e) => e.level !== 'error' && e.host !== 'web-1'));
    assert.equal(await apiTotal(srv, urlParams(page).get('q')!, from, to), count((e) => e.level !== 'error' && e.host !== 'web-1'));
    assert.deepEqual(problems, []);
  });

  test('field-name completion inserts the name escaped, and its values are offered right after it', async () => {
    await open('', COUNT);
    await page.locator('.summary').click();
    await page.keyboard.press('/');
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('kubernetes.labels');
    const option = page.locator('.cm-tooltip-autocomplete li', { hasText: LABEL });
    await option.waitFor();
    // CodeMirror ignores keys for 75 ms after a list opens (interactionDelay).
    await page.waitForTimeout(150);
    await option.click();
    assert.equal(await queryText(page), 'kubernetes.labels.app.kubernetes.io\\/name:');
    // Its values are offered at once, as Kibana's KQL bar does; they came only after a character.
    const values = page.locator('.cm-tooltip-autocomplete .cm-completionLabel');
    await values.first().waitFor();
    assert.deepEqual((await values.allInnerTexts()).sort(), [...APPS].sort());
    await page.keyboard.type('che');
    await page.locator('.cm-tooltip-autocomplete .cm-completionLabel', { hasText: 'checkout' }).waitFor();
    await page.keyboard.press('Escape');
    await page.keyboard.type('ckout');
    await page.keyboard.press('Enter');
    await waitForTotal(page, count((e) => e.app === 'checkout'));
    assert.equal(await page.getByRole('alert').count(), 0);
    // And typed by hand, escaped the same way, it is the same query.
    await typeQuery(page, 'kubernetes.labels.app.kubernetes.io\\/name:cart');
    await waitForTotal(page, count((e) => e.app === 'cart'));
  });
});
