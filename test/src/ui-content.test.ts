/**
 * What log lines hold, shown as text: HTML and script in messages, values
 * and field names stay text (nothing runs, no element is made of them);
 * Unicode, emoji and right-to-left text come back as sent; a bidirectional
 * override (U+202E) cannot reverse the JSON around it; a 20,000-character
 * message takes ten lines of its row, not the whole list, while the
 * expanded row holds all of it. An empty string says (empty). A file
 * source shows by its file name in the row (the logger after it), whole on
 * hover and in the opened event.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { HAVE_CHROMIUM } from './browser.js';
import { ingest, type ServerHandle } from './harness.js';
import { waitForTotal, pageSuite } from './ui-support.js';

const XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2"><b>bold</b> &amp;';
const FIELD = '<img src=x onerror=window.__xss=3>';
const UNICODE = 'Ünïcödé ✓ 🚀👩‍👩‍👧 שלום עולם مرحبا 日本語 zero\u200bwidth';
const OVERRIDE = 'invoice \u202Efdp.exe';
const LONG = `${'word '.repeat(4000)}END`;
const LONG_NAME = '/var/log/containers/checkout-7d9f8b6c5d-abcde_shop_app-4f1e2d3c5b6a7980c1d2e3f4.log';
// The quick start's demo, run from a clone in a home folder.
const DEMO_SOURCE = '/home/someone/src/logship/demo/logs/django.log';
const TRACEBACK = ['Traceback (most recent call last):', ...Array.from({ length: 12 }, (_, i) => `  File "m${i}.py", line ${i}, in f${i}`), 'ValueError: bad'].join('\n');

describe('search page: log content shown as text (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 90_000 }, () => {
  let srv: ServerHandle;
  let page: Page;
  let problems: string[] = [];

  pageSuite({
    seed: async (srv) => {
      const t = (s: number) => new Date(Date.now() - s * 1000).toISOString();
      await ingest(srv.url, [
        { '@timestamp': t(10), level: 'error', host: 'xss', message: XSS, [FIELD]: 'value <iframe src="javascript:window.__xss=4">' },
        { '@timestamp': t(20), level: 'info', host: 'unicode', message: UNICODE },
        { '@timestamp': t(30), level: 'info', host: 'override', message: OVERRIDE },
        { '@timestamp': t(40), level: 'info', host: 'long', message: LONG },
        { '@timestamp': t(50), level: 'error', host: 'tb', message: TRACEBACK },
        { '@timestamp': t(60), level: 'info', host: 'empty', referrer: '', message: 'no referrer' },
        { '@timestamp': t(70), level: 'info', host: 'path', source: LONG_NAME, logger: 'orders', message: 'origin' },
        { '@timestamp': t(72), level: 'info', host: 'vm', source: DEMO_SOURCE, logger: 'django.request', message: 'a file source' },
        { '@timestamp': t(74), level: 'info', host: 'jd', source: 'journald', logger: 'sshd', message: 'not a file' },
        { '@timestamp': t(80), level: 'info', host: 'numbered', attr_10: 'j', attr_2: 'b', attr_1: 'a', Attr_3: 'c', message: 'numbered fields' },
      ].map((e) => JSON.stringify(e)));
    },
  }, (s) => ({ srv, page, problems } = s));

  async function open(host: string): Promise<void> {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: `host:${host}`, from: 'now-1h', to: 'now' })}`);
    await waitForTotal(page, 1);
    await page.locator('.results [data-index="0"] .line').click();
    await page.locator('.results .detail').waitFor();
  }

  test('HTML and script in a message, a value and a field name: shown as text, nothing runs', async () => {
    await open('xss');
    assert.equal(await page.locator('.results [data-index="0"] .message').innerText(), XSS);
    assert.equal(await page.locator(`.fields-table tr[data-field="${FIELD.replace(/"/g, '\\"')}"] th`).innerText(), FIELD);
    await page.locator('.sidebar').getByText(FIELD).first().waitFor();
    assert.equal(await page.locator('.results script, .results img, .results iframe, .results b, .sidebar img').count(), 0);
    await page.waitForTimeout(200);
    assert.equal(await page.evaluate('window.__xss'), undefined);
    assert.deepEqual(problems, []);
  });

  test('Unicode, emoji and right-to-left text come back as sent', async () => {
    await open('unicode');
    assert.equal(await page.locator('.results [data-index="0"] .message').innerText(), UNICODE);
    assert.equal(await page.locator('.fields-table tr[data-field="message"] .pre').innerText(), UNICODE);
    assert.ok((await page.locator('.json').innerText()).includes(JSON.stringify(UNICODE)));
  });

  test('a bidirectional override in a value is escaped in the JSON, which still parses to the event', async () => {
    await open('override');
    const json = await page.locator('.json').innerText();
    assert.ok(!json.includes('\u202E'), 'no raw U+202E to reverse the rest of the line');
    assert.ok(json.includes('"message": "invoice \\u202efdp.exe"'), json);
    assert.equal((JSON.parse(json) as { message: string }).message, OVERRIDE);
  });

  test("an open row's fields are in natural order: attr_2 before attr_10, case aside", async () => {
    await open('numbered');
    const names = await page.locator('.fields-table tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-field')));
    const attrs = names.filter((n) => n !== null && /^attr_/i.test(n));
    assert.deepEqual(attrs, ['attr_1', 'attr_2', 'Attr_3', 'attr_10']);
    assert.equal(names[0], '@timestamp');
  });

  test('an empty string says (empty), not a blank cell read as no value; it filters as ""', async () => {
    await open('empty');
    assert.equal(await page.locator('.fields-table tr[data-field="referrer"] td.value').innerText(), '(empty)');
    const field = page.locator('.sidebar li[data-field="referrer"]');
    await field.locator('.field-head .link').click();
    await field.locator('.values .value').first().waitFor();
    assert.deepEqual(await field.locator('.values .value').allInnerTexts(), ['(empty)']);
    await field.locator('.values .value').click();
    await page.waitForFunction(`new URL(location.href).searchParams.get('q') === 'host:empty AND referrer:""'`);
    await waitForTotal(page, 1);
  });

  test('a file source shows by its file name in the row, so the logger shows too; the whole path on hover and in the opened event', async () => {
    // At 24 characters, with the whole path, it read "vm · /home/someone/src/l…": every row alike, and no logger.
    await open('vm');
    const origin = page.locator('.results [data-index="0"] .origin');
    assert.equal(await origin.innerText(), 'vm · django.log · django.request');
    assert.ok(await origin.evaluate((el) => el.scrollWidth <= el.clientWidth), 'whole on screen');
    assert.equal(await origin.getAttribute('title'), `vm · ${DEMO_SOURCE} · django.request`);
    assert.equal(await page.locator('.fields-table tr[data-field="source"] td.value').innerText(), DEMO_SOURCE);
    // Not a path: as it is.
    await open('jd');
    assert.equal(await origin.innerText(), 'jd · journald · sshd');
  });

  test('an origin cut short (a file name longer than the row gives) is whole, with the path, in its title', async () => {
    await open('path');
    const origin = page.locator('.results [data-index="0"] .origin');
    assert.equal(await origin.innerText(), `path · ${LONG_NAME.split('/').at(-1)} · orders`);
    assert.ok(await origin.evaluate((el) => el.scrollWidth > el.clientWidth), 'cut short on screen');
    assert.equal(await origin.getAttribute('title'), `path · ${LONG_NAME} · orders`);
  });

  test('a 20,000-character message: ten lines in its row, all of it when expanded', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: 'host:long', from: 'now-1h', to: 'now' })}`);
    await waitForTotal(page, 1);
    const row = page.locator('.results [data-index="0"]');
    const lineHeight = await page.evaluate(`parseFloat(getComputedStyle(document.querySelector('.results .message')).lineHeight)`) as number;
    const height = await row.evaluate((el) => el.getBoundingClientRect().height);
    assert.ok(height <= lineHeight * 10 + 12, `row ${height}px for lines of ${lineHeight}px`);
    await row.locator('.line').click();
    const full = await page.locator('.fields-table tr[data-field="message"] .pre').innerText();
    assert.equal(full.length, LONG.length);
  });

  test('a 14-line traceback: ten lines in its row, all fourteen as the anchor of "Lines around"', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: 'host:tb', from: 'now-1h', to: 'now' })}`);
    await waitForTotal(page, 1);
    const lineHeight = await page.evaluate(`parseFloat(getComputedStyle(document.querySelector('.results .message')).lineHeight)`) as number;
    const rowMessage = (await page.locator('.results [data-index="0"] .message').boundingBox())!;
    assert.ok(Math.round(rowMessage.height / lineHeight) === 10, `${rowMessage.height}px in the row`);
    await page.locator('.results [data-index="0"] .line').click();
    await page.getByRole('button', { name: 'Lines around' }).click();
    const anchor = page.getByRole('dialog', { name: 'Context' }).locator('.anchor .message');
    await anchor.waitFor();
    const box = (await anchor.boundingBox())!;
    assert.ok(Math.round(box.height / lineHeight) === 14, `${box.height}px as the anchor`);
    await page.keyboard.press('Escape');
  });
});
