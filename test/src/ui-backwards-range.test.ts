/**
 * A backwards time range on the search page is told in the API's words
 * (LS_API_BAD_RANGE "the time range is backwards", which the CLI shares),
 * with the picker's field names and what to type instead: it said
 * `"from" (now) is after "to" (now-1h)` and the picker `"from" is after
 * "to"`, with nothing to change.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { HAVE_CHROMIUM } from './browser.js';
import { ingest, type ServerHandle } from './harness.js';
import { apiGet, apiTotal, pageSuite, recentLines, waitForTotal } from './ui-support.js';

describe('search page: a backwards time range (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 60_000 }, () => {
  let srv: ServerHandle;
  let page: Page;

  pageSuite({
    seed: (srv) => ingest(srv.url, recentLines(30, 60_000, (i) => ({ level: 'info', message: `minute ${i}` }))),
  }, (s) => ({ srv, page } = s));

  test('from a link: the API\'s sentence, with From and To and the swap to make', async () => {
    const api = await apiGet<{ error: { code: string; message: string } }>(srv, '/api/v1/search', { q: '', from: 'now', to: 'now-1h' });
    assert.equal(api.status, 400);
    assert.equal(api.body.error.code, 'LS_API_BAD_RANGE');
    assert.equal(api.body.error.message, 'the time range is backwards: "from" now is after "to" now-1h; swap them: from=now-1h&to=now');
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from: 'now', to: 'now-1h' })}`);
    assert.equal(await page.locator('.failure').innerText(), 'The time range is backwards: From now is after To now-1h; swap them: From now-1h, To now');
  });

  test('in the time picker: the same sentence, in the words typed; a future From with an empty To says what to write', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from: 'now-6h', to: 'now' })}`);
    await waitForTotal(page, await apiTotal(srv, '', 'now-6h', 'now'));
    await page.getByRole('button', { name: 'Time range' }).click();
    await page.getByLabel('From', { exact: true }).fill(' now ');
    await page.getByLabel('To', { exact: true }).fill('now-1h');
    await page.getByRole('button', { name: 'Apply' }).click();
    const alert = page.locator('.picker-panel [role="alert"]');
    assert.equal(await alert.innerText(), 'The time range is backwards: From now is after To now-1h; swap them: From now-1h, To now');

    await page.getByLabel('From', { exact: true }).fill('now+1h');
    await page.getByLabel('To', { exact: true }).fill('');
    await page.getByRole('button', { name: 'Apply' }).click();
    const api = await apiGet<{ error: { message: string } }>(srv, '/api/v1/search', { q: '', from: 'now+1h' });
    assert.match(api.body.error.message, /for the 1h before now write from=now-1h;/);
    assert.equal(await alert.innerText(),
      'The time range is backwards: From now+1h is in the future, after To, which defaults to now when not given; for the 1h before now write From now-1h; to search ahead of now give a To after From as well');
    // Nothing was searched: the URL keeps the range that was applied.
    assert.equal(new URL(page.url()).searchParams.get('from'), 'now-6h');
  });
});
