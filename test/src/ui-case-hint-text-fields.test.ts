/**
 * The empty answer's case hint (`host:WEB-1` where events hold `web-1`,
 * ui-empty-results.test.ts) on a server whose `search.text_fields` is not
 * the default list. A text field's clause matches words in any case, so a
 * hint is about keyword fields alone, and which fields are text is the
 * server's to say (the fields answer's `text_fields`). The page used the
 * default list: `error` (a text field there, a keyword field on this
 * server) got no hint for `error:timeout` where events hold `Timeout`, and
 * `detail` (text on this server) got one blaming the case of a value that
 * matched already, when another clause had found nothing.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { HAVE_CHROMIUM } from './browser.js';
import { ingest, type ServerHandle } from './harness.js';
import { apiGet, apiTotal, openEmptySearch, pageSuite, recentLines } from './ui-support.js';

describe('search page: case hints follow the server\'s text fields (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 60_000 }, () => {
  let srv: ServerHandle;
  let page: Page;
  let problems: string[] = [];
  const from = 'now-1h';
  const to = 'now';

  pageSuite({
    server: { configYaml: 'search: { text_fields: [message, detail] }\n' },
    seed: (srv) => ingest(srv.url, recentLines(20, 10_000, (i) => ({ level: 'info', host: 'web-1', error: 'Timeout', detail: 'Full', message: `line ${i}` }))),
  }, (s) => ({ srv, page, problems } = s));

  const open = (q: string): Promise<void> => openEmptySearch(page, srv, q, from, to);

  test('the fields answer tells the configured text fields', async () => {
    const { body } = await apiGet<{ text_fields: string[] }>(srv, '/api/v1/fields', { q: '', from, to });
    assert.deepEqual(body.text_fields, ['message', 'detail']);
  });

  test('a keyword field of this server that the default list calls text gets its hint', async () => {
    await open('error:timeout');
    assert.equal(await apiTotal(srv, 'error:Timeout', from, to), 20);
    assert.deepEqual(await page.locator('.empty .case-hint').allInnerTexts(), [
      'No event has error "timeout"; "Timeout" differs only in case (values are case-sensitive): error:Timeout.',
    ]);
  });

  test('a text field of this server gets none: its clause matched whatever the case', async () => {
    await open('detail:FULL AND host:web-9');
    assert.equal(await apiTotal(srv, 'detail:FULL', from, to), 20);
    assert.equal(await page.locator('.empty .case-hint').count(), 0);
    assert.match(await page.locator('.empty').innerText(), /wider time range/);
    assert.deepEqual(problems, []);
  });

  test('a regex spanning words is said of this server\'s text fields, not the default list\'s', async () => {
    // detail is text here (the default list calls it a keyword): its regex matches one word at a time.
    await open('detail:/.*disk full.*/');
    assert.deepEqual((await page.locator('.empty .hint').allInnerTexts()).filter((h) => h.includes('regex')), [
      'detail:/.*disk full.*/ spans words, and a regex on a text field (detail) matches one word at a time (as Lucene\'s and Kibana\'s do), so it matches nothing; for those words in a row write a phrase: detail:"disk full".',
    ]);
    // error is a keyword here (text by the default list): its regex matches the whole value, spaces and all.
    await open('error:/.*time out.*/');
    assert.deepEqual((await page.locator('.empty .hint').allInnerTexts()).filter((h) => h.includes('regex')), []);
    assert.deepEqual(problems, []);
  });
});
