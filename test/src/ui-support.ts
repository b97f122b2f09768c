/**
 * What the search page tests share: a real server and one Chromium page for
 * a suite, asking the HTTP API the question the page asked, waiting for the
 * page to show a fresh answer, and typing in the query bar as a user does.
 */
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { Browser, Page, Request } from 'playwright-core';
import { launchChromium, watchPage } from './browser.js';
import { startServer, stopAll, type ServerHandle, type StartServerOptions } from './harness.js';

/** What a suite's tests use: set once its `before` hook has run. */
export interface PageSuite {
  srv: ServerHandle;
  browser: Browser;
  page: Page;
  /** Page errors and failed requests so far (watchPage). */
  problems: string[];
}

/**
 * How long a page wait gives what it waits for: a server read, a render, a
 * live event. Files run three at a time on two cores in CI, and waits of 2
 * and 5 s failed there under load, not on bugs. A wait ends as soon as its
 * condition holds, so this only lengthens a failing run. A timed claim
 * ("shows within 2 s") keeps its own timeout.
 */
export const PAGE_WAIT_MS = 30_000;

export interface PageSuiteOptions {
  server?: StartServerOptions;
  /** Stores what the tests look at, before the page opens. */
  seed?: (srv: ServerHandle) => Promise<unknown>;
  viewport?: { width: number; height: number };
  /** The browser's time zone (default the machine's). */
  timezoneId?: string;
}

/**
 * Registers a suite's hooks: before its tests, a real server (seeded), a
 * headless Chromium and one page, handed to `ready`; after them, both
 * closed. One browser a suite, as launching one costs more than a test.
 */
export function pageSuite(opts: PageSuiteOptions, ready: (suite: PageSuite) => void): void {
  let browser: Browser | undefined;
  before(async () => {
    const srv = await startServer(opts.server);
    await opts.seed?.(srv);
    browser = await launchChromium();
    const context = await browser.newContext({
      viewport: opts.viewport ?? { width: 1280, height: 800 },
      ...(opts.timezoneId !== undefined ? { timezoneId: opts.timezoneId } : {}),
    });
    context.setDefaultTimeout(PAGE_WAIT_MS);
    const page = await context.newPage();
    ready({ srv, browser, page, problems: watchPage(page) });
  });
  after(async () => {
    await browser?.close();
    await stopAll();
  });
}

/**
 * `count` lines, one every `stepMs` going back from 5 s before `nowMs` (the
 * machine's now unless a test fixes the page's clock), each `fields(i)`
 * with its `@timestamp`.
 */
export function recentLines(count: number, stepMs: number, fields: (i: number) => Record<string, unknown>, nowMs = Date.now()): string[] {
  const end = nowMs - 5_000;
  return Array.from({ length: count }, (_, i) => JSON.stringify({ '@timestamp': new Date(end - i * stepMs).toISOString(), ...fields(i) }));
}

export interface ApiSearch {
  total: { value: number; relation: string };
  hits: Record<string, unknown>[];
}

export async function apiGet<T>(srv: ServerHandle, path: string, params: Record<string, string>, token?: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`${srv.url}${path}?${new URLSearchParams(params)}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { status: res.status, body: (await res.json()) as T };
}

export async function apiTotal(srv: ServerHandle, q: string, from: string, to: string, token?: string): Promise<number> {
  const r = await apiGet<ApiSearch>(srv, '/api/v1/search', { q, from, to, limit: '1' }, token);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.total.relation, 'eq');
  return r.body.total.value;
}

/** Opens the page on `q` over `from`–`to`, which matches nothing (the API says so), and waits for its empty-answer status. */
export async function openEmptySearch(page: Page, srv: ServerHandle, q: string, from: string, to: string): Promise<void> {
  await page.goto(`${srv.url}/?${new URLSearchParams({ q, from, to })}`);
  assert.equal(await apiTotal(srv, q, from, to), 0);
  await waitForTotal(page, 0);
  await page.getByRole('status').filter({ hasText: 'No events match' }).waitFor();
}

/** Waits until the page shows `expected` as its total (a fresh answer, not the previous one). */
export async function waitForTotal(page: Page, expected: number, timeout = PAGE_WAIT_MS): Promise<void> {
  await page.waitForFunction(
    `document.querySelector('.total')?.dataset.total === ${JSON.stringify(String(expected))}`,
    undefined,
    { timeout },
  ).catch(async (err: Error) => {
    const shown = await page.locator('.total').getAttribute('data-total').catch(() => null);
    const q = new URL(page.url()).searchParams.get('q');
    throw new Error(`page total ${shown} (q=${JSON.stringify(q)}), expected ${expected}: ${err.message}`);
  });
}

/** Waits until the URL's `q` is `q`. */
export async function waitForQuery(page: Page, q: string): Promise<void> {
  await page.waitForFunction(`new URL(location.href).searchParams.get('q') === ${JSON.stringify(q)}`, undefined, { timeout: PAGE_WAIT_MS })
    .catch((err: Error) => {
      throw new Error(`URL q ${JSON.stringify(new URL(page.url()).searchParams.get('q'))}, expected ${JSON.stringify(q)}: ${err.message}`);
    });
}

export function urlParams(page: Page): URLSearchParams {
  return new URL(page.url()).searchParams;
}

export async function typeQuery(page: Page, q: string): Promise<void> {
  await page.keyboard.press('Escape');
  // Under a query's error the last answers are inert (use-search.ts `stale`): the bar is clicked then.
  if (await page.evaluate(`document.querySelector('.summary')?.closest('[inert]') != null`)) {
    await page.locator('[aria-label="Query"]').click();
  } else {
    await page.locator('.summary').click();
    // `/` focuses the query bar from anywhere on the page.
    await page.keyboard.press('/');
  }
  assert.equal(await page.evaluate(`document.activeElement?.getAttribute('aria-label')`), 'Query');
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type(q);
  await page.keyboard.press('Enter');
}

export async function queryText(page: Page): Promise<string> {
  return (await page.locator('[aria-label="Query"]').innerText()).replace(/\n$/, '');
}

/** What the page asked the server while a live event arrived (askedDuring). */
export interface LiveAsked {
  /** /api/v1/search requests: a search run again, as a poll would. */
  searches: string[];
  /** /api/v1/tail requests: a tail opened anew, after the one open before dropped. */
  tails: string[];
  /** Whether the tail open before ended (before or during). */
  tailEnded: boolean;
}

/**
 * Runs `during` and says what the page asked meanwhile, so that "pushed by
 * the tail" means the one tail `tail` open before it: with no search run
 * again, a tail that dropped and reconnected (a new /api/v1/tail) would
 * also have shown the event.
 */
export async function askedDuring(page: Page, tail: Request, during: () => Promise<void>): Promise<LiveAsked> {
  const asked: LiveAsked = { searches: [], tails: [], tailEnded: false };
  const onRequest = (r: Request): void => {
    const path = new URL(r.url()).pathname;
    if (path === '/api/v1/search') asked.searches.push(r.url());
    if (path === '/api/v1/tail') asked.tails.push(r.url());
  };
  // finished() settles at once for a stream that already ended.
  const ended = (): void => {
    asked.tailEnded = true;
  };
  void tail.response().then((res) => res?.finished()).then(ended, ended);
  page.on('request', onRequest);
  try {
    await during();
  } finally {
    page.off('request', onRequest);
  }
  return asked;
}
