/**
 * The search page in a real headless Chromium against a real `logship serve`
 * seeded through the ingest API. Each check compares what the page shows
 * with what the HTTP API answers for the same question. Screenshots of each
 * state go to test/screenshots/ (docs/screenshot.png is copied from there).
 *
 * One browser for the file; one page walks through the states in order.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { HAVE_CHROMIUM, launchChromium, screenshot } from './browser.js';
import { ingest, searchAll, startServer, stopAll, type ServerHandle } from './harness.js';
import { twoTokensYaml } from './two-tokens.js';
import { apiGet, apiTotal, askedDuring, queryText, typeQuery, urlParams, waitForTotal, pageSuite } from './ui-support.js';

const LEVELS = ['info', 'info', 'warning', 'error', 'debug', 'info'];
const COUNT = 240;

function seedLines(endMs: number): string[] {
  const lines: string[] = [];
  for (let i = 0; i < COUNT; i++) {
    lines.push(JSON.stringify({
      '@timestamp': new Date(endMs - i * 12_000).toISOString(),
      level: LEVELS[i % LEVELS.length],
      host: `web-${(i % 3) + 1}`,
      source: i % 2 === 0 ? 'app' : 'worker',
      logger: i % 4 === 0 ? 'django.request' : 'app.orders',
      status: [200, 201, 404, 500][i % 4],
      message: i % 40 === 7
        ? `Traceback (most recent call last):\n  File "orders.py", line ${i}, in place\nValueError: order ${i} is bad`
        : `handled request ${i}`,
    }));
  }
  return lines;
}

/** Scrolls the virtualized list to its end, collecting every row id the page renders on the way. */
async function collectRowIds(page: Page): Promise<{ ids: string[]; maxRendered: number }> {
  const ids: string[] = [];
  const seen = new Set<string>();
  let maxRendered = 0;
  for (let step = 0; step < 200; step++) {
    const rendered = await page.$$eval('.results [data-event-id]', (els) => els.map((e) => e.getAttribute('data-event-id')!));
    maxRendered = Math.max(maxRendered, rendered.length);
    for (const id of rendered) if (!seen.has(id)) { seen.add(id); ids.push(id); }
    const done = await page.evaluate(`(() => {
      const el = document.querySelector('.results');
      const atEnd = el.scrollTop + el.clientHeight >= el.scrollHeight - 2;
      el.scrollTop += el.clientHeight * 0.8;
      return atEnd && !!document.querySelector('.more.end');
    })()`);
    if (done) break;
    await page.waitForTimeout(40);
  }
  return { ids, maxRendered };
}

describe('search page (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 120_000 }, () => {
  let srv: ServerHandle;
  let browser: Browser;
  let page: Page;
  let problems: string[] = [];
  const from = 'now-1h';
  const to = 'now';

  pageSuite({
    seed: (srv) => ingest(srv.url, seedLines(Date.now() - 5_000)),
  }, (s) => ({ srv, browser, page, problems } = s));

  test('the page and its assets: / not cached, hashed assets cached for a year', async () => {
    const index = await fetch(`${srv.url}/`);
    assert.equal(index.status, 200);
    assert.equal(index.headers.get('cache-control'), 'no-cache');
    const html = await index.text();
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    assert.ok(assets.some((a) => a.endsWith('.js')) && assets.some((a) => a.endsWith('.css')), html);
    for (const a of assets) {
      assert.match(a, /-[\w-]{8}\.(js|css)$/, 'hashed name');
      const res = await fetch(`${srv.url}${a}`, { headers: { 'accept-encoding': 'gzip' } });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('cache-control') ?? '', /max-age=31536000.*immutable/);
      await res.arrayBuffer();
    }
    // Nothing from another host: no CDN, no web fonts.
    assert.doesNotMatch(html, /https?:\/\//);
  });

  test('search: the rows are the API\'s, newest first, paged through next_cursor while scrolling', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from, to })}`);
    await waitForTotal(page, COUNT);
    await page.locator('.results [data-index="0"]').waitFor();
    // The README's picture (docs/screenshot.png): with its histogram, which may answer after the rows.
    await page.waitForFunction(`document.querySelector('.histogram')?.dataset.sum === '${COUNT}'`);
    await screenshot(page, 'search');
    const api = await searchAll(srv.url, '', { from, to });
    assert.equal(api.length, COUNT);
    const { ids, maxRendered } = await collectRowIds(page);
    assert.deepEqual(ids, api.map((e) => e['event.id']), 'same events in the same (newest first) order');
    // Virtualized: far fewer rows in the DOM than results.
    assert.ok(maxRendered < COUNT / 2, `rendered at most ${maxRendered} rows at once`);
    assert.deepEqual(problems, []);
  });

  test('a syntax error shows its position (the same as the API\'s 400) in role=alert', async () => {
    const bad = 'level:error AND (host:web-1 OR';
    await typeQuery(page, bad);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    const api = await apiGet<{ error: { code: string; offset: number; column: number } }>(srv, '/api/v1/search', { q: bad, from, to });
    assert.equal(api.status, 400);
    assert.equal(await alert.getAttribute('data-offset'), String(api.body.error.offset));
    assert.match(await alert.innerText(), new RegExp(`column ${api.body.error.column}`));
    // The caret line points under the offset, and the editor marks it.
    const caret = (await alert.locator('.caret').innerText()).split('\n');
    assert.equal(caret[1]!.indexOf('^'), api.body.error.offset);
    assert.equal(await page.locator('.cm-ls-error').count(), 1);
    // Highlighting: field names and operators are marked.
    assert.deepEqual(await page.locator('.cm-ls-field').allInnerTexts(), ['level', 'host']);
    // (The error mark may split OR's span in two.)
    assert.equal((await page.locator('.cm-ls-op').allInnerTexts()).join(''), 'ANDOR');
    await screenshot(page, 'syntax-error');
  });

  test('an expanded row shows every field and the JSON; click-to-filter and columns change the query, the URL and the results', async () => {
    await typeQuery(page, 'host:"web-1"');
    await waitForTotal(page, await apiTotal(srv, 'host:"web-1"', from, to));
    assert.equal(await page.getByRole('alert').count(), 0);
    const first = page.locator('.results [data-index="0"]');
    const id = await first.getAttribute('data-event-id');
    await first.locator('.message').click();
    const detail = first.locator('.detail');
    await detail.waitFor();
    const api = (await searchAll(srv.url, 'host:"web-1"', { from, to }))[0]!;
    assert.equal(api['event.id'], id);
    const names = await detail.locator('table[aria-label="Fields"] th').allInnerTexts();
    assert.deepEqual(names.slice().sort(), Object.keys(api).sort(), 'every field in the table');
    assert.deepEqual(JSON.parse(await detail.locator('pre[aria-label="JSON"]').innerText()), api);
    await screenshot(page, 'expanded');
    // Copy buttons put the JSON (or one value) on the clipboard.
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: srv.url });
    await detail.getByRole('button', { name: 'Copy JSON' }).click();
    await detail.getByRole('button', { name: 'Copy JSON' }).filter({ hasText: 'Copied' }).waitFor();
    assert.deepEqual(JSON.parse(String(await page.evaluate('navigator.clipboard.readText()'))), api);
    await detail.getByRole('button', { name: 'Copy host' }).click();
    await detail.getByRole('button', { name: 'Copy host' }).filter({ hasText: 'Copied' }).waitFor();
    assert.equal(await page.evaluate('navigator.clipboard.readText()'), 'web-1');

    const level = String(api.level);
    await detail.getByRole('button', { name: 'Filter for level' }).click();
    const q1 = `host:"web-1" AND level:"${level}"`;
    await page.waitForFunction(`new URL(location.href).searchParams.get('q') === ${JSON.stringify(q1)}`);
    await waitForTotal(page, await apiTotal(srv, q1, from, to));
    assert.equal(await queryText(page), q1);
    const levels = await page.locator('.results .level').allInnerTexts();
    assert.ok(levels.length > 0 && levels.every((l) => l.toLowerCase() === level), levels.join());

    // Filter out the host filtered for: the clause flips (Kibana's pills), no row of web-1 remains.
    await page.locator('.results [data-index="0"] .message').click();
    await page.locator('.results .detail').getByRole('button', { name: 'Filter out host' }).click();
    const q2 = `-host:"web-1" AND level:"${level}"`;
    await page.waitForFunction(`new URL(location.href).searchParams.get('q') === ${JSON.stringify(q2)}`);
    await waitForTotal(page, await apiTotal(srv, q2, from, to));
    assert.ok(!(await page.locator('.results .origin').allInnerTexts()).some((o) => o.startsWith('web-1')));

    // Back twice: the first query again (history entries per search).
    await page.goBack();
    await waitForTotal(page, await apiTotal(srv, q1, from, to));
    assert.equal(await queryText(page), q1);

    // Show a field as a column: in the URL, in every row.
    await page.locator('.results [data-index="0"] .message').click();
    await page.locator('.results .detail').getByRole('button', { name: 'Column status' }).click();
    await page.waitForFunction(`new URL(location.href).searchParams.get('cols') === 'status'`);
    const rows = await page.locator('.results [data-event-id]').count();
    assert.equal(await page.locator('.results .col[data-col="status"]').count(), rows);
  });

  test('reload and a copied URL restore query, range and columns', async () => {
    const url = page.url();
    const q = urlParams(page).get('q')!;
    const expected = await apiTotal(srv, q, from, to);
    await page.reload();
    await waitForTotal(page, expected);
    assert.equal(await queryText(page), q);
    assert.ok((await page.locator('.results .col[data-col="status"]').count()) > 0);
    const other = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      await other.goto(url);
      await waitForTotal(other, expected);
      assert.equal(await queryText(other), q);
      assert.equal(other.url(), url);
      assert.ok((await other.locator('.results .col[data-col="status"]').count()) > 0);
    } finally {
      await other.close();
    }
  });

  test('keyboard: rows take focus, arrows move, Enter expands; tracebacks keep their line breaks', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: 'message:Traceback', from, to })}`);
    await waitForTotal(page, await apiTotal(srv, 'message:Traceback', from, to));
    await page.locator('.results [data-index="0"]').focus();
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.evaluate('document.activeElement?.dataset.index'), '1');
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('.results [data-index="1"]').getAttribute('aria-expanded'), 'true');
    const message = await page.locator('.results [data-index="0"] .message').innerText();
    assert.equal(message.split('\n').length, 3, message);
  });

  test('histogram: one bar per interval (60–120+1) summing to the total; a drag narrows the range and the URL', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from: 'now-15m', to: 'now' })}`);
    const total = await apiTotal(srv, '', 'now-15m', 'now');
    await waitForTotal(page, total);
    const hist = page.getByRole('img', { name: 'Histogram' });
    await page.waitForFunction(`document.querySelector('.histogram')?.dataset.sum === '${total}'`);
    const buckets = Number(await hist.getAttribute('data-buckets'));
    assert.ok(buckets >= 60 && buckets <= 121, `${buckets} buckets`);
    const over = hist.locator('.u-over');
    const box = (await over.boundingBox())!;
    assert.ok(box.width > 200);
    await page.mouse.move(box.x + box.width * 0.55, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.85, box.y + box.height / 2, { steps: 8 });
    await page.mouse.up();
    await page.waitForFunction(`/^\\d{4}-/.test(new URL(location.href).searchParams.get('from') ?? '')`);
    const p = urlParams(page);
    const f = Date.parse(p.get('from')!);
    const t = Date.parse(p.get('to')!);
    assert.ok(t - f < 15 * 60_000 * 0.5 && t > f, `${p.get('from')} → ${p.get('to')}`);
    const narrowed = await apiTotal(srv, '', p.get('from')!, p.get('to')!);
    assert.ok(narrowed < total);
    await waitForTotal(page, narrowed);
    await screenshot(page, 'histogram-drag');
  });

  test('field sidebar: the fields API\'s counts and top values; a click on a value filters', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from, to })}`);
    const total = await apiTotal(srv, '', from, to);
    await waitForTotal(page, total);
    const fields = await apiGet<{ fields: { name: string; count: number }[] }>(srv, '/api/v1/fields', { from, to });
    const host = page.locator('.sidebar li[data-field="host"]');
    await host.waitFor();
    assert.equal(await host.locator('.field-head .count').innerText(), fields.body.fields.find((f) => f.name === 'host')!.count.toLocaleString('en-US'));
    assert.deepEqual(
      await page.locator('.sidebar li[data-field] > .field-head .link').allInnerTexts(),
      fields.body.fields.map((f) => f.name),
    );
    await host.locator('.field-head .link').click();
    const values = host.getByRole('list', { name: 'Top values of host' });
    await values.locator('.value').first().waitFor();
    const api = await apiGet<{ values: { value: string; count: number }[] }>(srv, '/api/v1/fields/host/values', { from, to, size: '10' });
    assert.deepEqual(await values.locator('.value').allInnerTexts(), api.body.values.map((v) => v.value));
    assert.deepEqual(await values.locator('.count').allInnerTexts(), api.body.values.map((v) => v.count.toLocaleString('en-US')));
    await values.locator('.value', { hasText: 'web-2' }).click();
    await page.waitForFunction(`new URL(location.href).searchParams.get('q') === 'host:"web-2"'`);
    await waitForTotal(page, await apiTotal(srv, 'host:"web-2"', from, to));
    await screenshot(page, 'fields');
  });

  test('context: the events around a row from the same host and source, the anchor highlighted', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from, to })}`);
    await waitForTotal(page, await apiTotal(srv, '', from, to));
    const row = page.locator('.results [data-index="20"]');
    const id = (await row.getAttribute('data-event-id'))!;
    await row.locator('.message').click();
    await row.getByRole('button', { name: 'Lines around' }).click();
    const dialog = page.getByRole('dialog', { name: 'Context' });
    await dialog.locator('li[aria-current="true"]').waitFor();
    const ts = (await row.locator('time').getAttribute('datetime'))!;
    const api = await apiGet<{ anchor: { 'event.id': string }; before: { 'event.id': string }[]; after: { 'event.id': string }[] }>(
      srv, '/api/v1/context', { id, ts, before: '20', after: '20' },
    );
    assert.equal(api.status, 200);
    assert.ok(api.body.before.length > 0 && api.body.after.length > 0);
    const expected = [...api.body.after].reverse().concat([api.body.anchor], [...api.body.before].reverse()).map((e) => e['event.id']);
    assert.deepEqual(await dialog.locator('li[data-event-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-event-id'))), expected);
    assert.equal(await dialog.locator('li[aria-current="true"]').getAttribute('data-event-id'), id);
    assert.equal(await dialog.locator('li.anchor').count(), 1);
    await screenshot(page, 'context');
    await dialog.getByRole('button', { name: 'Close' }).click();
    assert.equal(await page.getByRole('dialog').count(), 0);
  });

  test('query bar: saved queries one click away, completion of fields and values, history; time picker: quick range, date math, UTC', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from, to })}`);
    await waitForTotal(page, await apiTotal(srv, '', from, to));
    // Field names, then the field's top values, from the fields API.
    await page.locator('.summary').click();
    await page.keyboard.press('/');
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('hos');
    const options = page.locator('.cm-tooltip-autocomplete .cm-completionLabel');
    await options.first().waitFor();
    assert.ok((await options.allInnerTexts()).includes('host'));
    // CodeMirror ignores keys for 75 ms after a list opens (interactionDelay).
    await page.waitForTimeout(150);
    await page.keyboard.press('ArrowDown');
    await page.locator('.cm-tooltip-autocomplete li[aria-selected="true"]').waitFor();
    await page.keyboard.press('Enter');
    assert.equal(await queryText(page), 'host:');
    await page.keyboard.type('w');
    await page.waitForFunction(`[...document.querySelectorAll('.cm-tooltip-autocomplete .cm-completionLabel')].map((e) => e.textContent).sort().join() === 'web-1,web-2,web-3'`);
    // CodeMirror ignores keys for 75 ms after a list opens (interactionDelay).
    await page.waitForTimeout(150);
    await page.keyboard.press('ArrowDown');
    await page.locator('.cm-tooltip-autocomplete li[aria-selected="true"]').waitFor();
    await page.keyboard.press('Enter');
    assert.match(await queryText(page), /^host:"web-[123]"$/);
    const completed = await queryText(page);
    await page.keyboard.press('Enter');
    await waitForTotal(page, await apiTotal(srv, completed, from, to));

    await page.getByRole('navigation', { name: 'Saved queries' }).getByRole('button', { name: '@errors' }).click();
    await page.waitForFunction(`new URL(location.href).searchParams.get('q') === '@errors'`);
    await waitForTotal(page, await apiTotal(srv, '@errors', from, to));

    // History: earlier queries, one click to run again.
    await page.locator('.history summary').click();
    await page.locator('.history').getByRole('button', { name: completed, exact: true }).click();
    await waitForTotal(page, await apiTotal(srv, completed, from, to));
    await page.getByRole('navigation', { name: 'Saved queries' }).getByRole('button', { name: '@errors' }).click();
    await waitForTotal(page, await apiTotal(srv, '@errors', from, to));

    // Quick range.
    await page.getByRole('button', { name: 'Time range' }).click();
    await page.getByRole('button', { name: 'Last 24 hours' }).click();
    await page.waitForFunction(`new URL(location.href).searchParams.get('from') === 'now-24h'`);
    await waitForTotal(page, await apiTotal(srv, '@errors', 'now-24h', 'now'));
    // Date math, then UTC display.
    await page.getByRole('button', { name: 'Time range' }).click();
    await page.getByLabel('From', { exact: true }).fill('now-2h/h');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForFunction(`new URL(location.href).searchParams.get('from') === 'now-2h/h'`);
    await waitForTotal(page, await apiTotal(srv, '@errors', 'now-2h/h', 'now'));
    await page.getByLabel('Time zone').selectOption('utc');
    await page.waitForFunction(`new URL(location.href).searchParams.get('tz') === 'utc'`);
    const time = page.locator('.results [data-index="0"] time');
    await page.waitForFunction(`(() => { const t = document.querySelector('.results [data-index="0"] time'); return t && t.textContent === t.getAttribute('datetime').replace('T', ' ').replace('Z', ''); })()`);
    // An absolute wall-clock time, read in UTC.
    const start = new Date(Date.now() - 10 * 60_000);
    start.setUTCSeconds(0, 0);
    const wall = start.toISOString().slice(0, 16).replace('T', ' ');
    await page.getByRole('button', { name: 'Time range' }).click();
    await page.getByLabel('From', { exact: true }).fill(wall);
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForFunction(`new URL(location.href).searchParams.get('from') === ${JSON.stringify(start.toISOString())}`);
    await waitForTotal(page, await apiTotal(srv, '@errors', start.toISOString(), 'now'));
    assert.ok(await time.count());
    await page.getByLabel('Time zone').selectOption('local');
  });

  // Pushed by the tail: the page asks no search meanwhile, as a poll would (a 2 s limit was a timed check),
  // nor a tail anew, as a dropped tail reconnecting would.
  test('live tail: an event ingested after it started shows, pushed with no search run again; while scrolled it waits behind "N new"', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: 'host:"web-2"', from: 'now-1h', to: 'now' })}`);
    await waitForTotal(page, await apiTotal(srv, 'host:"web-2"', from, to));
    const tailOpened = page.waitForRequest((r) => new URL(r.url()).pathname === '/api/v1/tail');
    await page.getByRole('button', { name: 'Live' }).click();
    assert.equal(urlParams(page).get('live'), '1');
    await page.locator('[data-live="open"]').waitFor();
    const line = (message: string, host = 'web-2') => JSON.stringify({ '@timestamp': new Date().toISOString(), level: 'error', host, message });
    const asked = await askedDuring(page, await tailOpened, async () => {
      await ingest(srv.url, [line('not this host', 'web-3'), line('live event one')]);
      await page.waitForFunction(`document.querySelector('.results [data-index="0"] .message')?.textContent === 'live event one'`);
    });
    assert.deepEqual(asked, { searches: [], tails: [], tailEnded: false }, 'shown by the tail open before: no search, no tail anew');
    await screenshot(page, 'live');
    // Reading further down: the new event does not move the view.
    await page.evaluate(`document.querySelector('.results').scrollTop = 200`);
    await page.waitForTimeout(100);
    await ingest(srv.url, [line('live event two')]);
    const marker = page.getByRole('button', { name: '1 new' });
    await marker.waitFor();
    assert.equal(await page.evaluate(`document.querySelector('.results').scrollTop`), 200);
    await marker.click();
    await page.waitForFunction(`document.querySelector('.results [data-index="0"] .message')?.textContent === 'live event two'`);
    assert.equal(await page.locator('.results .message', { hasText: 'not this host' }).count(), 0);
    assert.match(await page.locator('.rate').innerText(), /events\/s/);
    await page.getByRole('button', { name: 'Live' }).click();
    assert.equal(urlParams(page).get('live'), null);
  });

  test('phone width and dark theme', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from, to })}`);
    await waitForTotal(page, await apiTotal(srv, '', from, to));
    const bg = await page.evaluate(`getComputedStyle(document.body).backgroundColor`);
    assert.equal(bg, 'rgb(20, 23, 28)');
    const overflow = await page.evaluate(`document.documentElement.scrollWidth <= window.innerWidth`);
    assert.equal(overflow, true, 'no horizontal scrolling at phone width');
    await screenshot(page, 'phone-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});

describe('search page with auth on (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 60_000 }, () => {
  const READ = 'read-token-for-the-page-test';
  const WRITE = 'write-token-for-the-page-test';
  let srv: ServerHandle;
  let browser: Browser;

  before(async () => {
    srv = await startServer({
      configYaml: twoTokensYaml(WRITE, READ),
    });
    await ingest(srv.url, seedLines(Date.now() - 5_000).slice(0, 50), WRITE);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await stopAll();
  });

  test('asks once for a read token; 401 and 403 say so; the assets need none', async () => {
    const html = await (await fetch(`${srv.url}/`)).text();
    const js = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    assert.equal((await fetch(`${srv.url}${js}`)).status, 200, 'asset without a token');
    assert.equal((await fetch(`${srv.url}/api/v1/search`)).status, 401);

    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${srv.url}/?q=&from=now-1h&to=now`);
    const dialog = page.getByRole('dialog', { name: 'Read token' });
    await dialog.waitFor();
    assert.equal(await dialog.getByRole('alert').count(), 0, 'a plain prompt: no token was given, so none was refused (ui-sign-in.test.ts)');
    await screenshot(page, 'token-prompt');

    await dialog.getByLabel('Token').fill(WRITE);
    await dialog.getByRole('button', { name: 'Use token' }).click();
    await page.waitForFunction(`document.querySelector('[role=dialog] [role=alert]')?.textContent.includes('403')`);

    await page.getByRole('dialog', { name: 'Read token' }).getByLabel('Token').fill(READ);
    await page.getByRole('dialog', { name: 'Read token' }).getByRole('button', { name: 'Use token' }).click();
    await waitForTotal(page, await apiTotal(srv, '', 'now-1h', 'now', READ));
    assert.equal(await page.getByRole('dialog').count(), 0);
    // Kept for the browser session: a reload does not ask again.
    await page.reload();
    await waitForTotal(page, 50);
    assert.equal(await page.getByRole('dialog').count(), 0);
    await page.close();
  });
});
