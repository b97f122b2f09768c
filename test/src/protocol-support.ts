/**
 * Shared by the protocol end-to-end tests: a real `logship serve` with a
 * write and a read token, and helpers that assert "each event exactly once".
 */
import assert from 'node:assert/strict';
import { searchAll, startServer, type ServerHandle } from './harness.js';
import { twoTokensYaml } from './two-tokens.js';

export const WRITE_TOKEN = 'proto-write-token-0123456789';
export const READ_TOKEN = 'proto-read-token-0123456789';

export async function startProtocolServer(extraYaml = ''): Promise<ServerHandle> {
  return startServer({
    configYaml: `${twoTokensYaml(WRITE_TOKEN, READ_TOKEN, { write: 'shippers', read: 'reader' })}  rate_limit: { requests_per_s: 0, burst: 1 }\n${extraYaml}`,
  });
}

/**
 * A line's own time an hour ago, as Python's logging writes it
 * (`2026-12-05 10:00:01,234`, read as UTC here) and as the event's
 * `@timestamp`: a fixed date fell out of findAll's two days once it was
 * two days old, and every run after failed.
 */
export function pythonTimeAgo(ms = 3_600_000): { asctime: string; iso: string } {
  const iso = new Date(Date.now() - ms).toISOString();
  return { asctime: `${iso.slice(0, 10)} ${iso.slice(11, 19)},${iso.slice(20, 23)}`, iso };
}

/** Every hit of q in the last day, read with the read token. */
export async function findAll(url: string, q: string): Promise<Record<string, unknown>[]> {
  return searchAll(url, q, { token: READ_TOKEN, from: 'now-2d', to: 'now+1d' });
}

/** Each expected value of `field` appears in exactly one hit, and no other hit exists. */
export function assertEachOnce(hits: Record<string, unknown>[], field: string, expected: string[]): void {
  const counts = new Map<string, number>();
  for (const h of hits) counts.set(String(h[field]), (counts.get(String(h[field])) ?? 0) + 1);
  for (const v of expected) assert.equal(counts.get(v), 1, `${field}=${v} found ${counts.get(v) ?? 0} times`);
  assert.equal(hits.length, expected.length, `hits: ${hits.length}, expected ${expected.length}`);
}

/** A counter's value from the server's /metrics text. */
export async function metricValue(url: string, name: string, labels: Record<string, string>): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    if (want.every((w) => line.includes(w))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}
