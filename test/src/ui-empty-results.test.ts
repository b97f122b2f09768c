/**
 * A search that finds nothing says so in the results area, and names the
 * fields of the query that no event in the range has, with the nearest name
 * events do have, as `logship search` does on stderr: `hots:web-1` is a typo
 * of `host`, not a quiet "0 hits". Habits of other query languages read
 * differently here are named too (lower-case `and`, `level=error`). With no
 * query, it says when the newest event was (one click searches up to it), or
 * that the server has none yet; so it does with a query on a range that
 * holds no event at all, where it named every field of the query as in no
 * event (a shipper stopped for the last 15 minutes read as a wrong field).
 * A value events hold only in another case (`host:WEB-1`) is named with
 * the clause that finds it: values are case-sensitive, unlike Kibana's.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { HAVE_CHROMIUM } from './browser.js';
import { ingest, type ServerHandle } from './harness.js';
import { apiGet, apiTotal, openEmptySearch, urlParams, waitForTotal, pageSuite, recentLines } from './ui-support.js';

describe('search page: nothing found (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 60_000 }, () => {
  let srv: ServerHandle;
  let page: Page;
  let problems: string[] = [];
  const from = 'now-1h';
  const to = 'now';

  pageSuite({
    seed: (srv) => ingest(srv.url, recentLines(40, 10_000, (i) => ({ level: i % 4 ? 'info' : 'error', host: `web-${(i % 2) + 1}`, message: `line ${i}`, remote_addr: i % 5 ? '198.51.100.7' : '203.0.113.250', service: 'checkout' }))),
  }, (s) => ({ srv, page, problems } = s));

  const open = (q: string): Promise<void> => openEmptySearch(page, srv, q, from, to);

  test('a field no event has is named, with the nearest field events have', async () => {
    await open('hots:web-1 AND level:error');
    assert.equal(await apiTotal(srv, '_exists_:hots', from, to), 0);
    const missing = page.locator('.empty .missing-field');
    assert.deepEqual(await missing.evaluateAll((els) => els.map((e) => e.getAttribute('data-field'))), ['hots']);
    assert.equal(await missing.innerText(), 'No event in this range has the field hots; did you mean host?');
  });

  test('a file and line pasted from a trace (Crash.java:7) is a field no event has: the line says the quoted text searches it', async () => {
    await open('Crash.java:7');
    const missing = page.locator('.empty .missing-field');
    assert.equal(await missing.innerText(), 'No event in this range has the field Crash.java; "Crash.java:7" (in quotes) searches the text');
    // A field name meant as one gets no such advice.
    await open('hots:web-1');
    assert.equal(await page.locator('.empty .missing-field').innerText(), 'No event in this range has the field hots; did you mean host?');
  });

  test('a value events hold only in another case is named, with the clause that finds it (values are case-sensitive, level only is not)', async () => {
    await open('host:WEB-1 AND level:ERROR');
    assert.ok((await apiTotal(srv, 'host:web-1 AND level:ERROR', from, to)) > 0);
    const cases = page.locator('.empty .case-hint');
    assert.deepEqual(await cases.allInnerTexts(), ['No event has host "WEB-1"; "web-1" differs only in case (values are case-sensitive): host:web-1.']);
    assert.doesNotMatch(await page.locator('.empty').innerText(), /wider time range/);
    // The value is there as written: another clause found nothing, and no case is blamed.
    await open('host:web-1 AND level:critical');
    assert.equal(await cases.count(), 0);
  });

  test('a value pasted as free text that events hold in a field (an IP): the field is named, with the query that finds it, a click away', async () => {
    // Free text searches message and the traceback fields only; Kibana's KQL would have found it in any field.
    await open('203.0.113.250');
    const hint = page.locator('.empty .elsewhere-hint');
    assert.deepEqual(await hint.evaluateAll((els) => els.map((e) => e.getAttribute('data-value'))), ['203.0.113.250']);
    assert.match(await hint.innerText(), /^"203\.0\.113\.250" is not in the text fields \(message, …\) that free text searches; it is the value of remote_addr in 8 events: remote_addr:"203\.0\.113\.250"/);
    assert.equal(await hint.locator('code').innerText(), 'remote_addr:"203.0.113.250"');
    assert.doesNotMatch(await page.locator('.empty').innerText(), /wider time range/);
    await hint.getByRole('button', { name: 'Search it' }).click();
    await page.waitForFunction(`new URL(location.href).searchParams.get('q') === 'remote_addr:"203.0.113.250"'`);
    await waitForTotal(page, 8);
    // The rest of the query is kept; field clauses only, or a value no field holds: no such line.
    await open('203.0.113.250 AND host:web-9');
    await page.locator('.empty p.muted').waitFor();
    assert.equal(await hint.count(), 0);
    await open('198.51.100.7 AND level:error');
    assert.match(await hint.innerText(), /of remote_addr in 8 events: remote_addr:"198\.51\.100\.7" AND level:error/);
    await open('remote_addr:192.0.2.1');
    await page.locator('.empty p.muted').waitFor();
    assert.equal(await hint.count(), 0);
  });

  test('a bare value a field holds in another case is named with the spelling events hold; two bare values are one sentence', async () => {
    await open('Checkout');
    const hint = page.locator('.empty .elsewhere-hint');
    assert.deepEqual(await hint.allInnerTexts(), [
      '"Checkout" is not in the text fields (message, …) that free text searches; it is the value of service in 40 events as "checkout" (values are case-sensitive): service:"checkout" Search it',
    ]);
    await hint.getByRole('button', { name: 'Search it' }).click();
    await page.waitForFunction(`new URL(location.href).searchParams.get('q') === 'service:"checkout"'`);
    await waitForTotal(page, 40);
    // Each in a field of its own: one line names both, with the one query.
    await open('203.0.113.250 AND web-1');
    assert.deepEqual(await hint.evaluateAll((els) => els.map((e) => e.getAttribute('data-value'))), ['203.0.113.250 web-1']);
    assert.deepEqual(await hint.allInnerTexts(), [
      '"203.0.113.250" and "web-1" are not in the text fields (message, …) that free text searches; "203.0.113.250" is the value of remote_addr in 4 events, "web-1" the value of host in 4 events: remote_addr:"203.0.113.250" AND host:"web-1" Search it',
    ]);
  });

  test('habits of KQL and Loki are named: lower-case and, level=error, a level that is none', async () => {
    // Kibana's KQL takes lower-case `and`; here it is a word, so nothing matched.
    await open('level:error and host:web-1');
    const hints = page.locator('.empty .hint');
    assert.deepEqual(await hints.allInnerTexts(), ['"and" was searched as a word: operators are upper-case (AND).']);
    assert.doesNotMatch(await page.locator('.empty').innerText(), /wider time range/);
    await open('level=error');
    assert.deepEqual(await hints.allInnerTexts(), ['"level=error" was searched as a word: a field\'s value is written with a colon (level:error).']);
    await open('level:fatl');
    assert.match(await hints.innerText(), /^"fatl" is no level: level is one of /);
  });

  test('no query and nothing in the range: the newest event\'s time, and a click searches up to it', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from: 'now-3h', to: 'now-2h', tz: 'utc' })}`);
    await waitForTotal(page, 0);
    const newest = (await apiGet<{ hits: { '@timestamp': string }[] }>(srv, '/api/v1/search', { q: '', from, to, limit: '1' })).body.hits[0]!['@timestamp'];
    const empty = page.getByRole('status').filter({ hasText: 'No events in this time range' });
    await empty.getByText('The newest event is from').waitFor();
    assert.match(await empty.innerText(), new RegExp(`The newest event is from ${newest.slice(0, 19).replace('T', ' ')}\\.`));
    assert.doesNotMatch(await empty.innerText(), /fewer clauses/);
    await empty.getByRole('button', { name: 'Search up to it' }).click();
    await page.waitForFunction(`new URL(location.href).searchParams.get('to') === ${JSON.stringify(newest)}`);
    // The same length (an hour) ending there: all 40, seeded 10 s apart.
    assert.equal(Date.parse(newest) - Date.parse(urlParams(page).get('from')!), 3_600_000);
    await waitForTotal(page, 40);
  });

  test('a query on a range with no event at all: its fields are not blamed; the newest event\'s time, and a click searches up to it with the query', async () => {
    const q = 'level:error AND host:web-1';
    await page.goto(`${srv.url}/?${new URLSearchParams({ q, from: 'now-3h', to: 'now-2h', tz: 'utc' })}`);
    await waitForTotal(page, 0);
    const newest = (await apiGet<{ hits: { '@timestamp': string }[] }>(srv, '/api/v1/search', { q: '', from, to, limit: '1' })).body.hits[0]!['@timestamp'];
    const empty = page.getByRole('status').filter({ hasText: 'No events at all in this time range, whatever the query.' });
    await empty.getByText('The newest event is from').waitFor();
    assert.match(await empty.innerText(), new RegExp(`The newest event is from ${newest.slice(0, 19).replace('T', ' ')}\\.`));
    // Before: "No event in this range has the field level", and host.
    assert.equal(await page.locator('.empty .missing-field').count(), 0);
    await empty.getByRole('button', { name: 'Search up to it' }).click();
    await page.waitForFunction(`new URL(location.href).searchParams.get('to') === ${JSON.stringify(newest)}`);
    assert.equal(urlParams(page).get('q'), q);
    await waitForTotal(page, await apiTotal(srv, q, urlParams(page).get('from')!, newest));
  });

  test('every field present: no field is blamed, a wider range is suggested', async () => {
    await open('host:web-9');
    assert.equal(await page.locator('.empty .missing-field').count(), 0);
    assert.match(await page.locator('.empty').innerText(), /wider time range/);
    // Hits again: the note goes.
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: 'host:web-1', from, to })}`);
    await waitForTotal(page, await apiTotal(srv, 'host:web-1', from, to));
    assert.equal(await page.locator('.empty').count(), 0);
    assert.deepEqual(problems, []);
  });
});

describe('search page: a server that has no events yet (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 60_000 }, () => {
  let srv: ServerHandle;
  let page: Page;

  pageSuite({}, (s) => ({ srv, page } = s));

  test('says so, not "try a wider time range"', async () => {
    await page.goto(`${srv.url}/`);
    await waitForTotal(page, 0);
    await page.getByRole('status').getByText('This server has no events yet').waitFor();
  });
});
