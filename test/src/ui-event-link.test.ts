/**
 * Two things Kibana and Grafana users reach for that the page lacked: a
 * link to one event (Kibana's "View single document", Grafana's "Copy
 * shareable link" on a log line), and a zoom-out button (twice the range
 * around its centre). The link holds the search and range too, so the page
 * it opens runs the same search behind the event.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { HAVE_CHROMIUM } from './browser.js';
import { ingest, searchAll, type ServerHandle } from './harness.js';
import { apiTotal, urlParams, waitForTotal, pageSuite, recentLines } from './ui-support.js';

describe('search page: a link to one event, and zoom out (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 90_000 }, () => {
  let srv: ServerHandle;
  let page: Page;
  let problems: string[] = [];

  pageSuite({
    // Three hours, one event a minute, two hosts.
    seed: (srv) => ingest(srv.url, recentLines(180, 60_000, (i) => ({ level: i % 5 ? 'info' : 'error', host: `web-${i % 2}`, status: 200 + i, message: `minute ${i}` }))),
  }, (s) => ({ srv, page, problems } = s));

  const zoomOut = () => page.getByRole('button', { name: 'Zoom out' });

  test('zoom out doubles a range ending now (still ending now) and an absolute one around its centre', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from: 'now-15m', to: 'now' })}`);
    await waitForTotal(page, await apiTotal(srv, '', 'now-15m', 'now'));
    await zoomOut().click();
    await page.waitForFunction(`new URL(location.href).searchParams.get('from') === 'now-30m'`);
    assert.equal(urlParams(page).get('to'), 'now');
    await waitForTotal(page, await apiTotal(srv, '', 'now-30m', 'now'));

    const to = Math.floor((Date.now() - 60 * 60_000) / 1000) * 1000;
    const from = to - 30 * 60_000;
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: 'host:web-1', from: new Date(from).toISOString(), to: new Date(to).toISOString() })}`);
    await waitForTotal(page, await apiTotal(srv, 'host:web-1', new Date(from).toISOString(), new Date(to).toISOString()));
    await zoomOut().click();
    const wider = { from: new Date(from - 15 * 60_000).toISOString(), to: new Date(to + 15 * 60_000).toISOString() };
    await page.waitForFunction(`new URL(location.href).searchParams.get('from') === ${JSON.stringify(wider.from)}`);
    assert.equal(urlParams(page).get('to'), wider.to);
    assert.equal(urlParams(page).get('q'), 'host:web-1');
    await waitForTotal(page, await apiTotal(srv, 'host:web-1', wider.from, wider.to));
    assert.deepEqual(problems, []);
  });

  test('"Copy link" on an open row: the link opens the page on that event, reload keeps it, Escape closes it', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: 'host:web-1', from: 'now-2h', to: 'now' })}`);
    await waitForTotal(page, await apiTotal(srv, 'host:web-1', 'now-2h', 'now'));
    const row = page.locator('.results [data-index="3"]');
    const id = (await row.getAttribute('data-event-id'))!;
    await row.locator('.message').click();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: srv.url });
    await row.getByRole('button', { name: 'Copy link to this event' }).click();
    await row.getByRole('button', { name: 'Copy link to this event' }).filter({ hasText: 'Copied' }).waitFor();
    const link = String(await page.evaluate('navigator.clipboard.readText()'));
    const params = new URL(link).searchParams;
    assert.equal(params.get('event'), id);
    assert.equal(params.get('q'), 'host:web-1');

    const api = (await searchAll(srv.url, 'host:web-1', { from: 'now-2h', to: 'now' })).find((e) => e['event.id'] === id)!;
    const other = await page.context().newPage();
    try {
      await other.goto(link);
      const dialog = other.getByRole('dialog', { name: 'Event' });
      await dialog.locator('pre[aria-label="JSON"]').waitFor();
      assert.deepEqual(JSON.parse(await dialog.locator('pre[aria-label="JSON"]').innerText()), api);
      assert.deepEqual((await dialog.locator('table[aria-label="Fields"] th').allInnerTexts()).sort(), Object.keys(api).sort());
      // The same search runs behind it.
      await waitForTotal(other, await apiTotal(srv, 'host:web-1', 'now-2h', 'now'));
      await other.reload();
      await other.getByRole('dialog', { name: 'Event' }).locator('pre[aria-label="JSON"]').waitFor();
      await other.keyboard.press('Escape');
      await other.getByRole('dialog').waitFor({ state: 'detached' });
      assert.equal(urlParams(other).get('event'), null);
      assert.equal(urlParams(other).get('q'), 'host:web-1');
      // Back opens it again, as any state of the page.
      await other.goBack();
      await other.getByRole('dialog', { name: 'Event' }).waitFor();
    } finally {
      await other.close();
    }
  });

  test('a link to an event that is not there says so', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from: 'now-1h', to: 'now', event: 'no-such-event', at: new Date().toISOString() })}`);
    const dialog = page.getByRole('dialog', { name: 'Event' });
    await dialog.getByRole('alert').waitFor();
    assert.match(await dialog.getByRole('alert').innerText(), /No event no-such-event/);
    await dialog.getByRole('button', { name: 'Close' }).click();
    assert.equal(urlParams(page).get('event'), null);
  });
});
