import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { serveLogship, spawnLogship } from '../testing/logship-cli.js';

/* A partition file damaged before or while the server runs: reads leave it out with a coded warning (never 500), writes to its day answer 503 naming it. */

const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000).toISOString();

/** Overwrites every other page of the second half of an SQLite file (its header and schema pages stay, so it still opens); returns its pages. */
function damagePages(path: string): number {
  const file = readFileSync(path);
  const raw = file.readUInt16BE(16);
  const pageSize = raw === 1 ? 65_536 : raw;
  const pages = file.length / pageSize;
  for (let p = Math.floor(pages / 2); p < pages; p += 2) file.fill(0xa5, p * pageSize, (p + 1) * pageSize);
  writeFileSync(path, file);
  return pages;
}

/** A write into the damaged partition `name` and readiness both answer 503, naming it. */
async function assertWritesRefused(url: string, name: string, body: string): Promise<void> {
  const into = await fetch(`${url}/api/v1/ingest`, { method: 'POST', body });
  const intoBody = await into.text();
  assert.equal(into.status, 503, intoBody);
  assert.match(intoBody, new RegExp(`the partition ${name.replaceAll('.', '\\.')} is damaged inside .*move it aside`));
  const ready = await fetch(`${url}/health/ready`);
  const readyBody = await ready.text();
  assert.equal(ready.status, 503, readyBody);
  assert.match(readyBody, new RegExp(name.replaceAll('.', '\\.')));
}

test('a damaged partition file: the start and serve --check name it, searches answer the other days with a warning naming it (not 500), ingest into other days goes on, a metric counts it', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logship-serve-corrupt-'));
  const blocks = join(dir, 'data', 'blocks');
  mkdirSync(blocks, { recursive: true });
  const today = new Date().toISOString().slice(0, 10);
  const damaged = join(blocks, `${today}.default.db`);
  writeFileSync(damaged, 'x'.repeat(8192));
  const check = spawnLogship(['serve', '--check', '--data', join(dir, 'data'), '--listen', '127.0.0.1:0']);
  assert.equal((await check.exit).code, 0, check.stderr.join('\n'));
  assert.match(check.stdout.join('\n'), new RegExp(`warning: cannot open ${damaged}: the file does not start with SQLite's header`));
  const s = await serveLogship(['--data', join(dir, 'data'), '--listen', '127.0.0.1:0']);
  try {
    const logged = s.stdout.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { level: number; partition?: string; msg: string });
    assert.ok(logged.some((l) => l.level === 50 && l.partition === `${today}.default.db` && /cannot be read/.test(l.msg)), s.stdout.join('\n'));
    // Yesterday's partition is written and read as usual.
    const yesterday = new Date(Date.now() - 86_400_000).toISOString();
    const ingest = await fetch(`${s.url}/api/v1/ingest`, { method: 'POST', body: JSON.stringify({ '@timestamp': yesterday, msg: 'from yesterday' }) + '\n' });
    assert.equal(ingest.status, 200, await ingest.text());
    const res = await fetch(`${s.url}/api/v1/search?q=*&from=now-3d`);
    assert.equal(res.status, 200, await res.clone().text());
    const body = (await res.json()) as { hits: { message: string }[]; warnings?: { code: string; partition: string; message: string }[] };
    assert.deepEqual(body.hits.map((h) => h.message), ['from yesterday']);
    assert.equal(body.warnings?.length, 1);
    assert.equal(body.warnings![0]!.code, 'LS_STORE_CORRUPT_PARTITION');
    assert.equal(body.warnings![0]!.partition, `${today}.default.db`);
    assert.match(body.warnings![0]!.message, /left out of this answer/);
    const agg = await fetch(`${s.url}/api/v1/aggregate?q=*&from=now-3d&type=terms&field=message`);
    assert.equal(agg.status, 200, await agg.clone().text());
    assert.equal(((await agg.json()) as { warnings?: unknown[] }).warnings?.length, 1);
    // A range that does not reach the damaged day has no warning.
    const before = await fetch(`${s.url}/api/v1/search?q=*&from=now-3d&to=now-1d`);
    assert.equal(((await before.json()) as { warnings?: unknown[] }).warnings, undefined);
    assert.match(await (await fetch(`${s.url}/metrics`)).text(), /^logship_store_unreadable_partitions 1$/m);
  } finally {
    s.proc.kill('SIGTERM');
    assert.equal((await s.exit).code, 0);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a partition file damaged inside (pages overwritten, header intact): searches leave it out with a coded warning, not a 500; /metrics counts it', { timeout: 90_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logship-serve-pages-'));
  const data = join(dir, 'data');
  const recent = minutesAgo(1);
  const older = new Date(Date.now() - 36 * 3_600_000).toISOString();
  const lines = (tag: string, at: string) =>
    Array.from({ length: 3000 }, () => JSON.stringify({ '@timestamp': at, level: 'info', message: `${tag} ${randomBytes(24).toString('hex')}` })).join('\n') + '\n';
  let s = await serveLogship(['--data', data, '--listen', '127.0.0.1:0']);
  try {
    for (const body of [lines('recent', recent), lines('older', older)]) {
      const res = await fetch(`${s.url}/api/v1/ingest`, { method: 'POST', body });
      assert.equal(res.status, 200, await res.text());
    }
    s.proc.kill('SIGTERM');
    assert.equal((await s.exit).code, 0);
    // Every other page of the second half overwritten; the header and schema pages stay, so the file still opens.
    const pages = damagePages(join(data, 'blocks', `${recent.slice(0, 10)}.default.db`));
    assert.ok(pages >= 8, `${pages} pages`);

    s = await serveLogship(['--data', data, '--listen', '127.0.0.1:0']);
    const res = await fetch(`${s.url}/api/v1/search?q=*&from=now-3d&limit=10`);
    assert.equal(res.status, 200, await res.clone().text());
    const body = (await res.json()) as { hits: { message: string }[]; warnings?: { code: string; partition: string; message: string }[] };
    assert.equal(body.hits.length, 10);
    assert.ok(body.hits.every((h) => h.message.startsWith('older ')), 'the other day is answered');
    assert.equal(body.warnings?.length, 1, JSON.stringify(body.warnings));
    assert.equal(body.warnings![0]!.code, 'LS_STORE_CORRUPT_PARTITION');
    assert.equal(body.warnings![0]!.partition, `${recent.slice(0, 10)}.default.db`);
    assert.match(body.warnings![0]!.message, /damaged inside: .*; its events are left out of this answer/);
    const agg = await fetch(`${s.url}/api/v1/aggregate?q=*&from=now-3d&type=terms&field=level`);
    assert.equal(agg.status, 200, await agg.clone().text());
    assert.equal(((await agg.json()) as { warnings?: unknown[] }).warnings?.length, 1);
    const metrics = await fetch(`${s.url}/metrics`);
    assert.equal(metrics.status, 200);
    assert.match(await metrics.text(), /^logship_store_unreadable_partitions 1$/m);
    // Writes into the damaged day fail (retryable: nothing is acknowledged)
    // and readiness says so, naming the file: it agrees with ingest.
    await assertWritesRefused(s.url, `${recent.slice(0, 10)}.default.db`, lines('later', minutesAgo(0)));
  } finally {
    s.proc.kill('SIGTERM');
    await s.exit;
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the row format: a write that reaches a damaged page answers 503 naming the file and what to do, and readiness says the same (not SQLite\'s bare "database disk image is malformed")', { timeout: 90_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logship-serve-rowpages-'));
  const data = join(dir, 'data');
  const config = join(dir, 'server.yaml');
  writeFileSync(config, `data: ${data}\nstore: { type: sqlite, format: rows }\n`);
  const recent = minutesAgo(1);
  const lines = (tag: string, at: string) =>
    Array.from({ length: 3000 }, () => JSON.stringify({ '@timestamp': at, level: 'info', message: `${tag} ${randomBytes(24).toString('hex')}` })).join('\n') + '\n';
  let s = await serveLogship(['--config', config, '--listen', '127.0.0.1:0']);
  try {
    const res = await fetch(`${s.url}/api/v1/ingest`, { method: 'POST', body: lines('recent', recent) });
    assert.equal(res.status, 200, await res.text());
    s.proc.kill('SIGTERM');
    assert.equal((await s.exit).code, 0);
    const name = `${recent.slice(0, 10)}.default.db`;
    damagePages(join(data, 'sqlite', name));

    s = await serveLogship(['--config', config, '--listen', '127.0.0.1:0']);
    await assertWritesRefused(s.url, name, lines('later', minutesAgo(0)));
  } finally {
    s.proc.kill('SIGTERM');
    await s.exit;
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a block partition damaged where SQLite's quick_check does not look (a block's compressed bytes overwritten): searches leave it out with a coded warning, not a 500, and writes to its day answer 503 naming it", { timeout: 90_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logship-serve-blockbytes-'));
  const data = join(dir, 'data');
  const recent = minutesAgo(1);
  const older = new Date(Date.now() - 36 * 3_600_000).toISOString();
  const lines = (tag: string, at: string) =>
    Array.from({ length: 200 }, (_, i) => JSON.stringify({ '@timestamp': at, level: 'info', message: `${tag} ${i}` })).join('\n') + '\n';
  let s = await serveLogship(['--data', data, '--listen', '127.0.0.1:0']);
  try {
    for (const body of [lines('recent', recent), lines('older', older)]) {
      const res = await fetch(`${s.url}/api/v1/ingest`, { method: 'POST', body });
      assert.equal(res.status, 200, await res.text());
    }
    s.proc.kill('SIGTERM');
    assert.equal((await s.exit).code, 0);
    const name = `${recent.slice(0, 10)}.default.db`;
    // Valid SQLite pages holding garbage where the columns' brotli streams were.
    const db = new Database(join(data, 'blocks', name));
    db.exec('UPDATE cols SET data = randomblob(length(data))');
    assert.equal(db.pragma('quick_check', { simple: true }), 'ok');
    db.close();

    s = await serveLogship(['--data', data, '--listen', '127.0.0.1:0']);
    const res = await fetch(`${s.url}/api/v1/search?q=*&from=now-3d&limit=10`);
    assert.equal(res.status, 200, await res.clone().text());
    const body = (await res.json()) as { hits: { message: string }[]; warnings?: { code: string; partition: string; message: string }[] };
    assert.equal(body.hits.length, 10);
    assert.ok(body.hits.every((h) => h.message.startsWith('older ')), 'the other day is answered');
    assert.equal(body.warnings?.[0]?.code, 'LS_STORE_CORRUPT_PARTITION', JSON.stringify(body.warnings));
    assert.equal(body.warnings![0]!.partition, name);
    // A sender's retry of the day's batch, and new events for that day (which read none of
    // the damaged blocks): refused, not acknowledged into a file every search leaves out
    // and that is moved aside when replaced.
    for (const again of [lines('recent', recent), lines('later', minutesAgo(0))]) {
      const into = await fetch(`${s.url}/api/v1/ingest`, { method: 'POST', body: again });
      const intoBody = await into.text();
      assert.equal(into.status, 503, intoBody);
      assert.match(intoBody, new RegExp(`the partition ${name.replaceAll('.', '\\.')} is damaged inside .*move it aside`));
    }
    const ready = await fetch(`${s.url}/health/ready`);
    const readyBody = await ready.text();
    assert.equal(ready.status, 503, readyBody);
    assert.match(readyBody, new RegExp(name.replaceAll('.', '\\.')));
    // Other days still take writes, and readiness comes back with them.
    const other = await fetch(`${s.url}/api/v1/ingest`, { method: 'POST', body: lines('other', older) });
    assert.equal(other.status, 200, await other.text());
    assert.equal((await fetch(`${s.url}/health/ready`)).status, 200);
  } finally {
    s.proc.kill('SIGTERM');
    await s.exit;
    rmSync(dir, { recursive: true, force: true });
  }
});

