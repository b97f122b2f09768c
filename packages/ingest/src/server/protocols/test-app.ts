/*
 * For the protocol routes' tests: a real app on a real SQLite store in a
 * temp folder, driven with inject(), and a seeded fuzzer for decoders.
 */
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { createRng } from '@logship/query';
import type { LogStore } from '../../store/log-store.js';
import { appHarness, NOW } from '../../testing/app-harness.js';
import type { LogshipApp } from '../app.js';

export const TEST_NOW = NOW;
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
  const h = await appHarness({
    auth: {
      tokens: [
        { name: 'writer', token: WRITE_TOKEN, scopes: ['write'] },
        { name: 'reader', token: READ_TOKEN, scopes: ['read'] },
      ],
      rate_limit: { requests_per_s: 0, burst: 1 },
    },
    ...config,
  });
  const { store, logship } = h;
  return {
    store,
    logship,
    close: () => h.close(),
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

/** Variants of a valid body: random bytes, truncations, flipped bytes, spliced garbage. */
export function* fuzzBodies(valid: Buffer, seed: number, count: number): Generator<Buffer> {
  // Seeded (the project's one RNG) so a failing fuzz case can be replayed.
  const rnd = createRng(seed).next;
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

/**
 * The test file's app: started before its tests, closed after them. Call
 * the returned function inside a test (the app does not exist before).
 */
export function fileTestApp(): () => TestApp {
  let h: TestApp | undefined;
  before(async () => {
    h = await testApp();
  });
  after(async () => {
    await h?.close();
  });
  return () => {
    assert.ok(h, 'the test app starts before the file\'s tests');
    return h;
  };
}
