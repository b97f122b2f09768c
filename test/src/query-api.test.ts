/**
 * The query HTTP API and CLI through a real `logship serve` process:
 * paging under concurrent ingest, aggregations checked against counts
 * computed here from the same events, live tail, saved queries, errors.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import {
  ingest, logshipBin, removeDir, search, startServer, stopAll, tempDir,
  type ServerHandle,
} from './harness.js';

const run = promisify(execFile);
const LOGGERS = ['app.orders', 'app.payments', 'app.auth', 'django.security', 'celery'];
const LEVELS = ['info', 'info', 'info', 'warning', 'error', 'debug'];

interface Ev {
  time: string;
  level: string;
  msg: string;
  logger: string;
  duration_ms: number;
  batch: string;
  n: number;
}

/** Deterministic generic-JSON (structlog-style) events, one per 500 ms, ending at `endMs`. */
function makeEvents(count: number, endMs: number, batch: string, offsetMs = 0): Ev[] {
  const out: Ev[] = [];
  for (let i = 0; i < count; i++) {
    out.push({
      time: new Date(endMs - (count - i) * 500 + offsetMs).toISOString(),
      level: LEVELS[(i * 7) % LEVELS.length]!,
      msg: i % 13 === 0 ? `login failed for user u${i}` : `handled request ${i}`,
      logger: LOGGERS[(i * 3) % LOGGERS.length]!,
      duration_ms: (i * 37) % 2000,
      batch,
      n: i,
    });
  }
  return out;
}

async function ingestAll(url: string, events: Ev[]): Promise<void> {
  for (let i = 0; i < events.length; i += 1000) {
    const ans = await ingest(url, events.slice(i, i + 1000).map((e) => JSON.stringify(e)));
    assert.deepEqual(ans.errors, [], 'no malformed lines');
  }
}

async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('query API through a real server', () => {
  let root: string;
  let server: ServerHandle;
  const endMs = Date.now() - 60_000;
  const base = makeEvents(3000, endMs, 'base');

  before(async () => {
    root = await tempDir('logship-qapi-');
    server = await startServer({ dataDir: join(root, 'data') });
    await ingestAll(server.url, base);
  });

  after(async () => {
    await stopAll();
    await removeDir(root);
  });

  test('paging walks a result set without gaps or repeats while ingest continues', async () => {
    const ids = new Set<string>();
    const seenN = new Set<number>();
    let cursor: string | undefined;
    let pages = 0;
    // Events that match the same query, interleaved in time with the ones
    // being paged (offset 250 ms), are ingested between pages: offset-based
    // paging would repeat or skip; keyset paging must not.
    const late = makeEvents(3000, endMs, 'late', 250).map((e) => ({ ...e, n: e.n + 100_000 }));
    for (;;) {
      const page = await search(server.url, 'batch:(base OR late)', { limit: 137, cursor, from: 'now-1d' });
      for (const h of page.hits) {
        const id = String(h['event.id']);
        assert.ok(!ids.has(id), `event ${id} returned twice (page ${pages})`);
        ids.add(id);
        seenN.add(Number(h.n));
      }
      pages++;
      if (pages % 3 === 0 && late.length > 0) await ingestAll(server.url, late.splice(0, 300));
      if (!page.next_cursor) break;
      cursor = page.next_cursor;
    }
    for (let i = 0; i < 3000; i++) assert.ok(seenN.has(i), `event n=${i} of the original set was skipped`);
    assert.ok(pages > 20, 'the walk spans many pages');
  });

  test('total, sort and projection', async () => {
    const ans = await search(server.url, 'batch:base AND level:error', { limit: 5, from: 'now-1d', sort: 'asc' });
    const expected = base.filter((e) => e.level === 'error');
    assert.ok(ans.total, 'total is reported');
    if (ans.total.relation === 'eq') assert.ok(ans.total.value >= expected.length);
    const res = await fetch(`${server.url}/api/v1/search?${new URLSearchParams({ q: 'batch:base', from: 'now-1d', limit: '3', fields: 'logger', sort: 'asc' })}`);
    const body = (await res.json()) as { hits: Record<string, unknown>[] };
    assert.equal(body.hits.length, 3);
    for (const h of body.hits) {
      assert.ok('logger' in h && '@timestamp' in h && 'event.id' in h);
      assert.ok(!('msg' in h) && !('message' in h) && !('duration_ms' in h), `projection keeps only asked fields: ${JSON.stringify(h)}`);
    }
    const asc = ans.hits.map((h) => String(h['@timestamp']));
    assert.deepEqual(asc, [...asc].sort());
  });

  test('terms, stats, percentiles and date histogram equal counts computed independently', async () => {
    const from = new Date(endMs - 3000 * 500 - 1000).toISOString();
    const to = new Date(endMs).toISOString();
    const q = 'batch:base';
    const terms = await getJson(`${server.url}/api/v1/aggregate?${new URLSearchParams({ q, from, to, type: 'terms', field: 'logger', size: '3' })}`);
    assert.equal(terms.status, 200, JSON.stringify(terms.body));
    const counts = new Map<string, number>();
    for (const e of base) counts.set(e.logger, (counts.get(e.logger) ?? 0) + 1);
    const top = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    const buckets = terms.body.buckets as { key: string; count: number }[];
    assert.deepEqual(buckets.map((b) => b.count), top.slice(0, 3).map(([, c]) => c));
    assert.equal(terms.body.other_count, top.slice(3).reduce((s, [, c]) => s + c, 0));

    const stats = await getJson(`${server.url}/api/v1/aggregate?${new URLSearchParams({ q, from, to, type: 'stats', field: 'duration_ms' })}`);
    const ds = base.map((e) => e.duration_ms);
    assert.equal(stats.body.count, ds.length);
    assert.equal(stats.body.min, Math.min(...ds));
    assert.equal(stats.body.max, Math.max(...ds));
    assert.ok(Math.abs(Number(stats.body.avg) - ds.reduce((a, b) => a + b, 0) / ds.length) < 1e-6);

    const pct = await getJson(`${server.url}/api/v1/aggregate?${new URLSearchParams({ q, from, to, type: 'percentiles', field: 'duration_ms', percents: '50,95,99' })}`);
    const sorted = [...ds].sort((a, b) => a - b);
    const values = pct.body.values as Record<string, number>;
    for (const p of [50, 95, 99]) {
      const exact = sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
      const got = values[String(p)] ?? values[`${p}.0`];
      assert.ok(got !== undefined, `percentile ${p} present: ${JSON.stringify(values)}`);
      assert.ok(Math.abs(got - exact) <= 20, `p${p}: ${got} vs exact ${exact}`);
    }

    const hist = await getJson(`${server.url}/api/v1/aggregate?${new URLSearchParams({ q, from, to, type: 'date_histogram', interval: '1m' })}`);
    const hb = hist.body.buckets as { key: number; count: number }[];
    const expected = new Map<number, number>();
    for (const e of base) {
      const k = Math.floor(Date.parse(e.time) / 60_000) * 60_000;
      expected.set(k, (expected.get(k) ?? 0) + 1);
    }
    for (const b of hb) assert.equal(b.count, expected.get(b.key) ?? 0, `bucket ${new Date(b.key).toISOString()}`);
    assert.equal(hb.reduce((s, b) => s + b.count, 0), base.length);
  });

  test('a syntax error answers 400 with the position and a caret line', async () => {
    const { status, body } = await getJson(`${server.url}/api/v1/search?q=${encodeURIComponent('level:ERROR AND (status:500')}`);
    assert.equal(status, 400);
    const err = body.error as Record<string, unknown>;
    assert.equal(err.code, 'LS_QUERY_SYNTAX');
    assert.equal(typeof err.offset, 'number');
    assert.equal(err.line, 1);
    assert.match(String(err.caret), /\^/);
  });

  test('saved queries: list, @reference and /queries/NAME/search', async () => {
    const { body } = await getJson(`${server.url}/api/v1/queries`);
    const names = (body.queries as { name: string }[]).map((q) => q.name);
    for (const n of ['errors', 'slow-requests', 'failed-logins']) assert.ok(names.includes(n), n);
    const viaRef = await search(server.url, '@errors AND batch:base', { limit: 10_000, from: 'now-1d' });
    const direct = await search(server.url, 'level:(error OR critical OR alert OR emergency) AND batch:base', { limit: 10_000, from: 'now-1d' });
    assert.equal(viaRef.hits.length, direct.hits.length);
    assert.ok(viaRef.hits.length > 0);
    const slow = await getJson(`${server.url}/api/v1/queries/slow-requests/search?from=now-1d&limit=10000`);
    assert.equal(slow.status, 200);
    const expectedSlow = (slow.body.hits as Record<string, unknown>[]).every((h) => Number(h.duration_ms) > 1000);
    assert.ok(expectedSlow);
    // A bad parameter of the request since apiwords (400), with the parameter named; 404 is the NAME route's.
    const unknown = await getJson(`${server.url}/api/v1/search?q=${encodeURIComponent('@nope')}`);
    assert.equal(unknown.status, 400);
    assert.equal((unknown.body.error as { code: string }).code, 'LS_API_UNKNOWN_SAVED_QUERY');
    assert.equal((unknown.body.error as { param: string }).param, 'q');
    const unknownRoute = await getJson(`${server.url}/api/v1/queries/nope/search`);
    assert.equal(unknownRoute.status, 404);
  });

  test('tail streams events ingested after it started, and only matching ones', async () => {
    const ac = new AbortController();
    const res = await fetch(`${server.url}/api/v1/tail?${new URLSearchParams({ q: 'batch:tail AND level:error' })}`, { signal: ac.signal });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
    const got: Record<string, unknown>[] = [];
    const reading = (async () => {
      const decoder = new TextDecoder();
      let buf = '';
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buf += decoder.decode(chunk, { stream: true });
          let i: number;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const frame = buf.slice(0, i);
            buf = buf.slice(i + 2);
            const data = frame.split('\n').find((l) => l.startsWith('data: '));
            if (frame.includes('event: log') && data) got.push(JSON.parse(data.slice(6)) as Record<string, unknown>);
            if (got.length >= 10) { ac.abort(); return; }
          }
        }
      } catch {
        // aborted
      }
    })();
    const evs = makeEvents(60, Date.now(), 'tail');
    await ingestAll(server.url, evs);
    const want = evs.filter((e) => e.level === 'error').map((e) => e.n).sort((a, b) => a - b);
    await Promise.race([reading, new Promise((r) => setTimeout(r, 20_000))]);
    ac.abort();
    assert.deepEqual(got.map((h) => Number(h.n)).sort((a, b) => a - b), want);
    for (const h of got) assert.equal(h.level, 'error');
  });

  test('CLI: readable output, --json, count, top and exit codes', async () => {
    const env = { ...process.env, LOGSHIP_URL: server.url, NO_COLOR: '1' };
    const found = await run(process.execPath, [logshipBin, 'search', 'batch:base AND level:error', '--from', 'now-1d', '--limit', '5'], { env });
    const lines = found.stdout.trim().split('\n');
    assert.equal(lines.length, 5);
    assert.match(lines[0]!, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} ERROR/);
    const json = await run(process.execPath, [logshipBin, 'search', 'batch:base', '--from', 'now-1d', '--limit', '3', '--json'], { env });
    const parsed = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(parsed.length, 3);
    assert.equal(parsed[0]!.batch, 'base');

    const none = await run(process.execPath, [logshipBin, 'search', 'batch:nothing-here', '--from', 'now-1d'], { env }).catch((e: { code: number }) => e);
    assert.equal((none as { code?: number }).code, 1, 'exit 1 when nothing matches');
    const bad = await run(process.execPath, [logshipBin, 'search', 'level:(error'], { env }).catch((e: { code: number; stderr: string }) => e);
    assert.equal((bad as { code?: number }).code, 2, 'exit 2 on a syntax error');
    assert.match((bad as { stderr: string }).stderr, /\^/, 'caret line shown');

    const count = await run(process.execPath, [logshipBin, 'count', 'batch:base', '--from', 'now-1d'], { env });
    assert.equal(count.stdout.trim(), String(base.length));
    const top = await run(process.execPath, [logshipBin, 'top', 'logger', 'batch:base', '--from', 'now-1d', '--size', '2'], { env });
    assert.equal(top.stdout.trim().split('\n').length, 3, 'two buckets and (other)');
  });
});
