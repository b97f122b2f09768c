/**
 * Lines of one file that share a timestamp come back in file order. Every
 * store orders ties by (@timestamp, event.id as UTF-8 bytes), so the agent's
 * ids must sort as the lines do: with the offset written plainly, offset
 * 2489 sorted beside 24890 and a file of same-second lines came back
 * shuffled. Through a real `logship-agent` and `logship serve`.
 *
 * The same for journald entries of one millisecond (their ids are cursors,
 * whose hex sequence number sorted i=10 before i=f).
 *
 * And the change of id form loses no exactly-once: an agent upgraded over
 * the data_dir of one that wrote the earlier form and was killed (a batch
 * stored but not acknowledged, another spooled) reads those lines again
 * under the ids they were sent with.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { appendFile, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { ingest, removeDir, searchAll, sleep, startAgent, startServer, stopAll, tempDir, waitFor, type ServerHandle } from './harness.js';

/** `YYYY-MM-DD HH:MM:SS` of the current UTC second (the server reads offset-less times as UTC). */
function thisSecond(): string {
  return new Date().toISOString().slice(0, 19).replace('T', ' ');
}

const seqOf = (e: Record<string, unknown>): number => Number(/seq=(\d+)/.exec(String(e.message))?.[1]);

function fileYaml(server: string, dataDir: string, include: string, extra = ''): string {
  return [
    'server:',
    `  url: ${server}`,
    `data_dir: ${dataDir}`,
    'host: e2e-host',
    'batch: { max_events: 500, max_age_ms: 200 }',
    'log_level: warn',
    'metrics: { listen: "off" }',
    'sources:',
    '  - type: file',
    '    name: app',
    `    include: ["${include}"]`,
    '    labels: { job: order }',
    '    poll_interval_ms: 250',
    extra,
    '',
  ].join('\n');
}

describe('agent: lines of one file that share a timestamp', () => {
  let root: string;
  let server: ServerHandle;

  before(async () => {
    root = await tempDir('logship-agent-order-');
    server = await startServer({ dataDir: join(root, 'server') });
  });

  after(async () => {
    await stopAll();
    await removeDir(root);
  });

  test('1200 lines of one second come back in file order (search sort=asc and the context API)', async () => {
    const logs = join(root, 'logs');
    await mkdir(logs, { recursive: true });
    const second = thisSecond();
    const lines = Array.from({ length: 1200 }, (_, i) => `${second} INFO seq=${String(i).padStart(4, '0')} worker finished a task of the order test`);
    await writeFile(join(logs, 'same-second.log'), `${lines.join('\n')}\n`);
    await startAgent(fileYaml(server.url, join(root, 'agent'), join(logs, 'same-second.log')), join(root, 'agent.yaml'));

    const hits = await waitFor(async () => {
      const all = await searchAll(server.url, 'job:order', { sort: 'asc', from: 'now-1d' });
      return all.length === lines.length ? all : undefined;
    }, { what: 'every line stored', timeoutMs: 60_000 });
    assert.equal(new Set(hits.map((h) => h['@timestamp'])).size, 1, 'one timestamp for every line');
    assert.deepEqual(hits.map(seqOf), lines.map((_, i) => i), 'sort=asc: file order');
    const desc = await searchAll(server.url, 'job:order', { sort: 'desc', from: 'now-1d' });
    assert.deepEqual(desc.map(seqOf), lines.map((_, i) => lines.length - 1 - i), 'sort=desc: reversed file order');

    const anchor = hits[500]!;
    const params = new URLSearchParams({ id: String(anchor['event.id']), ts: String(anchor['@timestamp']), before: '3', after: '3' });
    const res = await fetch(`${server.url}/api/v1/context?${params}`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { before: Record<string, unknown>[]; after: Record<string, unknown>[] };
    assert.deepEqual(body.before.map(seqOf), [497, 498, 499]);
    assert.deepEqual(body.after.map(seqOf), [501, 502, 503]);
  });

  test('an upgrade over an earlier agent\'s data_dir: lines it stored or spooled are not stored twice; new lines sort', async () => {
    const logs = join(root, 'upgrade-logs');
    await mkdir(logs, { recursive: true });
    const file = join(logs, 'app.log');
    const before = thisSecond();
    const lineOf = (i: number, second: string): string => `${second} INFO seq=${String(i).padStart(4, '0')} upgrade test line\n`;
    const text = Array.from({ length: 600 }, (_, i) => lineOf(i, before)).join('');
    await writeFile(file, text);
    const offsets = Array.from({ length: 600 }, (_, i) => i * lineOf(0, before).length);
    // The identity as fingerprint.ts names a file: a checksum of its first line.
    const key = `c${createHash('sha256').update(lineOf(0, before)).digest('hex').slice(0, 20)}`;
    const envelope = (i: number): string => JSON.stringify({
      '@raw': lineOf(i, before).trimEnd(), 'event.id': `f:${key}:${offsets[i]}`, host: 'e2e-host', source: file, job: 'upgrade',
    });

    // What the earlier agent left: lines 0–399 stored (0–199 acknowledged,
    // 200–399 committed by ingest as it was killed), 400–499 in a spooled
    // batch, its checkpoint at line 200, no clean stop.
    const dataDir = join(root, 'upgrade-agent');
    await mkdir(join(dataDir, 'spool'), { recursive: true });
    const stored = await ingest(server.url, Array.from({ length: 400 }, (_, i) => envelope(i)));
    assert.equal(stored.stored, 400);
    const st = await stat(file);
    await writeFile(join(dataDir, 'checkpoints.json'), JSON.stringify({ version: 1, written_at: new Date().toISOString(), positions: {
      [`app:${key}`]: { offset: offsets[200], path: file, dev: st.dev, ino: st.ino, updated_ms: Date.now() },
    } }));
    const spooled = Array.from({ length: 100 }, (_, k) => envelope(400 + k)).join('\n') + '\n';
    const header = JSON.stringify({ v: 1, count: 100, positions: { [`app:${key}`]: { offset: offsets[499]! + lineOf(0, before).length, path: file, dev: st.dev, ino: st.ino } }, sources: { app: 100 } });
    await writeFile(join(dataDir, 'spool', '0000000000000000.batch'), Buffer.concat([Buffer.from(`${header}\n`), gzipSync(spooled)]));

    await startAgent(fileYaml(server.url, dataDir, file).replace('job: order', 'job: upgrade'), join(root, 'upgrade.yaml'));
    const count = async (): Promise<number> => (await searchAll(server.url, 'job:upgrade', { from: 'now-1d' })).length;
    await waitFor(async () => (await count()) >= 600, { what: 'the file as it was', timeoutMs: 60_000 });
    await sleep(1100);
    const after = thisSecond();
    await appendFile(file, Array.from({ length: 200 }, (_, k) => lineOf(600 + k, after)).join(''));
    await waitFor(async () => (await count()) >= 800, { what: 'lines written after the upgrade', timeoutMs: 60_000 });
    await sleep(1500); // anything read twice would have arrived by now

    const hits = await searchAll(server.url, 'job:upgrade', { sort: 'asc', from: 'now-1d' });
    const seqs = hits.map(seqOf);
    assert.equal(seqs.length, 800, `every line once (${seqs.length - new Set(seqs).size} stored twice)`);
    assert.equal(new Set(seqs).size, 800);
    const idOf = new Map(hits.map((h) => [seqOf(h), String(h['event.id'])]));
    assert.equal(idOf.get(250), `f:${key}:${offsets[250]}`, 'read again: the id it was sent with');
    assert.equal(idOf.get(550), `f:${key}:${offsets[550]}`, 'present before the upgrade: possibly sent, so the earlier form');
    assert.match(idOf.get(700)!, new RegExp(`^f:${key}@[0-9a-f]{8}:E\\d{5}$`), 'written after it: the sorting form, with the host\'s tag');
    assert.deepEqual(seqs.slice(600), Array.from({ length: 200 }, (_, k) => 600 + k), 'new lines of one second in file order');
    const ckpt = JSON.parse(await readFile(join(dataDir, 'checkpoints.json'), 'utf8')) as { id_form: number; positions: Record<string, { legacy_ids_below?: number; host_ids_from?: number }> };
    assert.equal(ckpt.id_form, 2);
    assert.equal(ckpt.positions[`app:${key}`]?.legacy_ids_below, text.length);
    assert.equal(ckpt.positions[`app:${key}`]?.host_ids_from, text.length);
  });
});

const JOURNAL_REMOTE = '/lib/systemd/systemd-journal-remote';
const journalTools = existsSync(JOURNAL_REMOTE) && existsSync('/usr/bin/journalctl');
if (!journalTools && process.env.CI === 'true') throw new Error('CI=true but systemd-journal-remote is not installed (apt-get install systemd-journal-remote)');

let exportFiles = 0;
/** Appends entries `from`…`to - 1`, all stamped `realtimeUs`, to DIR/x.journal (sequence numbers follow the journal's). */
function appendJournal(dir: string, from: number, to: number, realtimeUs: number): void {
  let text = '';
  for (let i = from; i < to; i++) {
    text += [
      `__REALTIME_TIMESTAMP=${realtimeUs}`, `__MONOTONIC_TIMESTAMP=${i + 1}`, '_BOOT_ID=0123456789abcdef0123456789abcdef',
      `MESSAGE=order entry seq=${String(i).padStart(4, '0')}`, 'PRIORITY=6', '_SYSTEMD_UNIT=worker.service', '_HOSTNAME=web-3', '', '',
    ].join('\n');
  }
  const file = join(dir, '..', `order-${exportFiles++}.export`);
  writeFileSync(file, text);
  execFileSync(JOURNAL_REMOTE, [`--output=${dir}/x.journal`, file], { stdio: 'ignore' });
}

/** The cursor of every entry, in journal order, as journalctl prints them. */
function journalCursors(dir: string): string[] {
  const out = execFileSync('journalctl', [`--directory=${dir}`, '-o', 'json', '--no-pager'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return out.trim().split('\n').map((l) => String((JSON.parse(l) as { __CURSOR: string }).__CURSOR));
}

function journalYaml(server: string, dataDir: string, journal: string, job: string): string {
  return [
    'server:', `  url: ${server}`,
    `data_dir: ${dataDir}`,
    'host: e2e-host',
    'batch: { max_events: 200, max_age_ms: 100 }',
    'log_level: warn',
    'metrics: { listen: "off" }',
    'sources:',
    '  - type: journald',
    '    name: jd',
    `    directory: ${journal}`,
    `    labels: { job: ${job} }`,
    '',
  ].join('\n');
}

describe('agent: journald entries that share a millisecond', { skip: journalTools ? false : `${JOURNAL_REMOTE} is missing` }, () => {
  let root: string;
  let server: ServerHandle;

  before(async () => {
    root = await tempDir('logship-agent-jd-order-');
    server = await startServer({ dataDir: join(root, 'server') });
  });

  after(async () => {
    await stopAll();
    await removeDir(root);
  });

  test('300 entries of one millisecond come back in journal order (sequence numbers 0xf → 0x10 → 0x100)', async () => {
    const journal = join(root, 'journal');
    await mkdir(journal);
    appendJournal(journal, 0, 300, Date.now() * 1000);
    await startAgent(journalYaml(server.url, join(root, 'agent'), journal, 'jd-order'), join(root, 'agent.yaml'));
    const hits = await waitFor(async () => {
      const all = await searchAll(server.url, 'job:jd-order', { sort: 'asc', from: 'now-1d' });
      return all.length === 300 ? all : undefined;
    }, { what: 'every entry stored', timeoutMs: 60_000 });
    assert.equal(new Set(hits.map((h) => h['@timestamp'])).size, 1);
    assert.deepEqual(hits.map(seqOf), Array.from({ length: 300 }, (_, i) => i));
  });

  test('an upgrade over an earlier agent\'s cursor: entries it stored are not stored twice; new ones sort', async () => {
    const journal = join(root, 'journal-upgrade');
    await mkdir(journal);
    const before = Date.now() * 1000;
    appendJournal(journal, 0, 300, before);
    const cursors = journalCursors(journal);
    assert.equal(cursors.length, 300);
    // The earlier agent: entries 0–199 stored under j:<cursor> as it was, its
    // checkpoint at entry 99, killed before it could move further.
    const earlier = Array.from({ length: 200 }, (_, i) => JSON.stringify({
      '@raw': JSON.stringify({ __CURSOR: cursors[i], __REALTIME_TIMESTAMP: String(before), MESSAGE: `order entry seq=${String(i).padStart(4, '0')}`, PRIORITY: '6', _SYSTEMD_UNIT: 'worker.service', _HOSTNAME: 'web-3' }),
      'event.id': `j:${cursors[i]}`, host: 'e2e-host', source: 'journald', job: 'jd-upgrade',
    }));
    assert.equal((await ingest(server.url, earlier)).stored, 200);
    const dataDir = join(root, 'agent-upgrade');
    await mkdir(dataDir);
    await writeFile(join(dataDir, 'checkpoints.json'), JSON.stringify({ version: 1, written_at: new Date().toISOString(), positions: {
      'jd:journald': { cursor: cursors[99], filter: '', updated_ms: Date.now() },
    } }));

    await startAgent(journalYaml(server.url, dataDir, journal, 'jd-upgrade'), join(root, 'agent-upgrade.yaml'));
    const count = async (): Promise<number> => (await searchAll(server.url, 'job:jd-upgrade', { from: 'now-1d' })).length;
    await waitFor(async () => (await count()) >= 300, { what: 'the journal as it was', timeoutMs: 60_000 });
    appendJournal(journal, 300, 400, (Date.now() + 5) * 1000);
    await waitFor(async () => (await count()) >= 400, { what: 'entries written after the upgrade', timeoutMs: 60_000 });
    await sleep(1500);

    const hits = await searchAll(server.url, 'job:jd-upgrade', { sort: 'asc', from: 'now-1d' });
    const seqs = hits.map(seqOf);
    assert.equal(seqs.length, 400, `every entry once (${seqs.length - new Set(seqs).size} stored twice)`);
    assert.equal(new Set(seqs).size, 400);
    const idOf = new Map(hits.map((h) => [seqOf(h), String(h['event.id'])]));
    assert.equal(idOf.get(150), `j:${cursors[150]}`, 'read again: the id it was sent with');
    assert.equal(idOf.get(250), `j:${cursors[250]}`, 'in the journal before the upgrade: the earlier form');
    assert.match(idOf.get(350)!, /;i=0{13}[0-9a-f]{3};/, 'written after it: the padded sequence number');
    assert.deepEqual(seqs.slice(300), Array.from({ length: 100 }, (_, k) => 300 + k), 'new entries of one millisecond in journal order');
  });
});
