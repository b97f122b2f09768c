/**
 * What the search page tests share: asking the HTTP API the question the
 * page asked, waiting for the page to show a fresh answer, and typing in the
 * query bar as a user does.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { ServerHandle } from './harness.js';

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

/** Waits until the page shows `expected` as its total (a fresh answer, not the previous one). */
export async function waitForTotal(page: Page, expected: number, timeout = 10_000): Promise<void> {
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
  await page.waitForFunction(`new URL(location.href).searchParams.get('q') === ${JSON.stringify(q)}`, undefined, { timeout: 10_000 })
    .catch((err: Error) => {
      throw new Error(`URL q ${JSON.stringify(new URL(page.url()).searchParams.get('q'))}, expected ${JSON.stringify(q)}: ${err.message}`);
    });
}

export function urlParams(page: Page): URLSearchParams {
  return new URL(page.url()).searchParams;
}

export async function typeQuery(page: Page, q: string): Promise<void> {
  await page.keyboard.press('Escape');
  await page.locator('.summary').click();
  // `/` focuses the query bar from anywhere on the page.
  await page.keyboard.press('/');
  assert.equal(await page.evaluate(`document.activeElement?.getAttribute('aria-label')`), 'Query');
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type(q);
  await page.keyboard.press('Enter');
}

export async function queryText(page: Page): Promise<string> {
  return (await page.locator('[aria-label="Query"]').innerText()).replace(/\n$/, '');
}
