/**
 * The batches and checks of the data-disk tests (server-full-disk,
 * server-read-only-disk): numbered gzip NDJSON batches posted as an agent
 * would, the answer read whole, and the store's exact count.
 */
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';

/** Batch `b` of `size` events numbered b*size…, `line(n)` each, as one gzip body. */
export function numberedBatch(b: number, size: number, line: (n: number) => object): Buffer {
  const lines: string[] = [];
  for (let i = 0; i < size; i++) lines.push(JSON.stringify(line(b * size + i)));
  return gzipSync(lines.join('\n') + '\n');
}

export interface IngestAnswer {
  status: number;
  retryAfter: string | null;
  body: { stored?: number; duplicates?: number; error?: { code: string; message: string } };
}

export async function postBatch(url: string, body: Buffer): Promise<IngestAnswer> {
  const res = await fetch(`${url}/api/v1/ingest`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson', 'content-encoding': 'gzip' },
    body,
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as IngestAnswer['body'] };
}

/** Events the store holds in the last 3 hours, counted exactly (a day's histogram, not the search total capped at 10,000). */
export async function countRecent(url: string): Promise<number> {
  const params = new URLSearchParams({ q: '*', from: 'now-3h', to: 'now+1h', type: 'date_histogram', interval: '1d' });
  const res = await fetch(`${url}/api/v1/aggregate?${params}`);
  const body = (await res.json()) as { buckets: { count: number }[] };
  assert.equal(res.status, 200, JSON.stringify(body));
  return body.buckets.reduce((s, b) => s + b.count, 0);
}
