/**
 * "Copy link" on an event pins the range (Grafana's "Lock time range",
 * Kibana's snapshot share): the link kept `from=now-15m`, so opened an hour
 * later it searched another window, one without the event, behind the
 * event's dialog. Now it carries the absolute range the page searched (said
 * in the button's title), and a link copied from the event's dialog, whose
 * page's range may no longer hold the event (an older link), carries one
 * around the event.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { HAVE_CHROMIUM, screenshot } from './browser.js';
import { ingest, type ServerHandle } from './harness.js';
import { apiTotal, pageSuite, recentLines, waitForTotal } from './ui-support.js';

const MINUTE = 60_000;

describe('search page: "Copy link" pins the range (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 90_000 }, () => {
  let srv: ServerHandle;
  let page: Page;
  let browser: Browser;

  pageSuite({
    // Two hours, one event a minute.
    seed: (srv) => ingest(srv.url, recentLines(120, MINUTE, (i) => ({ level: 'info', host: 'web-1', message: `minute ${i}` }))),
  }, (s) => ({ srv, page, browser } = s));

  /** Copies the link of the open event `scope` shows; its button's title too. */
  async function copyLink(scope: ReturnType<Page['locator']>): Promise<{ link: URL; title: string }> {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: srv.url });
    const button = scope.getByRole('button', { name: 'Copy link to this event' });
    const title = (await button.getAttribute('title')) ?? '';
    await button.click();
    await button.filter({ hasText: 'Copied' }).waitFor();
    return { link: new URL(String(await page.evaluate('navigator.clipboard.readText()'))), title };
  }

  /** An ISO time, not date math: the range a link carries is the same whenever it is opened. */
  function absolute(value: string | null): number {
    assert.ok(value !== null && /^\d{4}-\d\d-\d\dT/.test(value), `an absolute time: ${value}`);
    return Date.parse(value);
  }

  test('a row\'s link carries the range searched, as absolute times, and opened an hour later still shows the event in its list', async () => {
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from: 'now-15m', to: 'now' })}`);
    await waitForTotal(page, await apiTotal(srv, '', 'now-15m', 'now'));
    const row = page.locator('.results [data-index="2"]');
    const id = (await row.getAttribute('data-event-id'))!;
    const at = Date.parse((await row.locator('time.ts').first().getAttribute('datetime'))!);
    await row.locator('.message').click();
    const { link, title } = await copyLink(row);
    assert.match(title, /pinned to absolute times/);
    await screenshot(page, 'pinned-link-row');
    const from = absolute(link.searchParams.get('from'));
    const to = absolute(link.searchParams.get('to'));
    assert.equal(to - from, 15 * MINUTE, 'the range searched, 15 minutes');
    assert.ok(from <= at && at <= to, 'it holds the event');
    assert.equal(link.searchParams.get('event'), id);

    // Opened an hour later: the clock (a context's) an hour on.
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const later = await context.newPage();
    try {
      await later.clock.install({ time: Date.now() + 60 * MINUTE });
      await later.goto(link.href);
      await later.getByRole('dialog', { name: 'Event' }).locator('pre[aria-label="JSON"]').waitFor();
      await later.locator(`.results [data-event-id="${id}"]`).waitFor({ state: 'attached' });
      assert.equal(new URL(later.url()).searchParams.get('from'), link.searchParams.get('from'));
    } finally {
      await context.close();
    }
  });

  test('the event dialog\'s link, from a page whose range no longer holds the event, carries a range around it', async () => {
    // An older link: the event 90 minutes ago, its range the last 15 minutes.
    const old = (await (await fetch(`${srv.url}/api/v1/search?${new URLSearchParams({ q: 'message:"minute 90"', from: 'now-3h', to: 'now', limit: '1' })}`)).json()) as { hits: Record<string, string>[] };
    const ev = old.hits[0]!;
    const at = Date.parse(ev['@timestamp']!);
    await page.goto(`${srv.url}/?${new URLSearchParams({ q: '', from: 'now-15m', to: 'now', event: ev['event.id']!, at: ev['@timestamp']! })}`);
    const dialog = page.getByRole('dialog', { name: 'Event' });
    await dialog.locator('pre[aria-label="JSON"]').waitFor();
    await waitForTotal(page, await apiTotal(srv, '', 'now-15m', 'now'));
    const { link, title } = await copyLink(dialog);
    assert.match(title, /pinned to absolute times/);
    const from = absolute(link.searchParams.get('from'));
    const to = absolute(link.searchParams.get('to'));
    assert.ok(from <= at && at <= to, `${link.searchParams.get('from')} – ${link.searchParams.get('to')} holds ${ev['@timestamp']}`);
    assert.equal(to - from, 15 * MINUTE, 'as long as the page\'s range');
    await screenshot(page, 'pinned-link-dialog');
  });
});
