/*
 * For the protocol routes' tests: a real app on a real SQLite store in a
 * temp folder, driven with inject(), and a seeded fuzzer for decoders.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogStore } from '../../store/log-store.js';
import { openSqliteStore } from '../../sqlite/open-sqlite-store.js';
import { buildServerConfig } from '../../config/load-server-config.js';
import { buildApp, type LogshipApp } from '../app.js';

export const TEST_NOW = Date.parse('2026-02-08T15:00:00.000Z');
export const WRITE_TOKEN = 'write-token-0123456789';
export const READ_TOKEN = 'read-token-0123456789';

export interface TestApp {
  store: LogStore;
  logship: LogshipApp;
  close(): Promise<void>;
  search(q: string): Promise<Record<string, unknown>[]>;
  metric(name: string, labels: Record<string, string>): Promise<number>;
}

export async function testApp(config: Record<string, unknown> = {}): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'logship-proto-'));
  const now = (): number => TEST_NOW;
  const cfg = buildServerConfig({
    data: dir,
    auth: {
      tokens: [
        { name: 'writer', token: WRITE_TOKEN, scopes: ['write'] },
        { name: 'reader', token: READ_TOKEN, scopes: ['read'] },
      ],
      rate_limit: { requests_per_s: 0, burst: 1 },
    },
    ...config,
  });
  const store = await openSqliteStore({ dataDir: dir, retention: cfg.retention, now });
  const logship = await buildApp({ config: cfg, store, now, defaultMetrics: false });
  return {
    store,
    logship,
    async close() {
      await logship.app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
    async search(q) {
      const res = await logship.app.inject({
        method: 'GET',
        url: `/api/v1/search?q=${encodeURIComponent(q)}&from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z&limit=1000`,
        headers: { authorization: `Bearer ${READ_TOKEN}` },
      });
      assert.equal(res.statusCode, 200, res.body);
      return (res.json() as { hits: Record<string, unknown>[] }).hits;
    },
    async metric(name, labels) {
      const m = await logship.metrics.registry.getSingleMetric(name)?.get();
      const v = m?.values.find((x) => Object.entries(labels).every(([k, val]) => x.labels[k] === val));
      return v?.value ?? 0;
    },
  };
}

/** Deterministic PRNG (mulberry32) so a failing fuzz case can be replayed from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Variants of a valid body: random bytes, truncations, flipped bytes, spliced garbage. */
export function* fuzzBodies(valid: Buffer, seed: number, count: number): Generator<Buffer> {
  const rnd = prng(seed);
  const int = (n: number): number => Math.floor(rnd() * n);
  for (let i = 0; i < count; i++) {
    const kind = i % 4;
    if (kind === 0) {
      yield Buffer.from(Array.from({ length: int(300) }, () => int(256)));
    } else if (kind === 1) {
      yield valid.subarray(0, int(valid.length));
    } else if (kind === 2) {
      const b = Buffer.from(valid);
      for (let k = 0; k < 1 + int(4); k++) b[int(b.length)] = int(256);
      yield b;
    } else {
      const at = int(valid.length);
      yield Buffer.concat([valid.subarray(0, at), Buffer.from(Array.from({ length: int(20) }, () => int(256))), valid.subarray(at)]);
    }
  }
}
