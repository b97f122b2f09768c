import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from './agent.js';
import { CHECKPOINT_FILE, CheckpointStore } from './checkpoint-store.js';
import { validateConfig, type JournaldSourceConfig } from './config.js';
import type { EventSink } from './event-sink.js';
import { JournaldSource } from './journald-source.js';
import { Metrics } from './metrics.js';
import { Notices } from './notices.js';
import { createLogger, silentLogger } from './log.js';
import { appendJournal, JOURNAL_REMOTE } from './testing/journal-export.js';
import { IngestReceiver, until } from './testing/ingest-receiver.js';

const skip = existsSync(JOURNAL_REMOTE) ? false : `${JOURNAL_REMOTE} is missing (apt-get install systemd-journal-remote)`;

async function setup(t: { after: (fn: () => Promise<void>) => void }) {
  const dir = mkdtempSync(join(tmpdir(), 'ls-agent-jd-'));
  const journal = join(dir, 'journal');
  mkdirSync(journal);
  const receiver = new IngestReceiver();
  await receiver.start();
  const ctx = {
    dir, journal, receiver, agent: null as Agent | null,
    config: (source: Record<string, unknown> = {}) => validateConfig({
      server: { url: receiver.url },
      data_dir: join(dir, 'data'),
      host: 'agent-host',
      batch: { max_events: 100, max_age_ms: 20 },
      sources: [{ type: 'journald', name: 'jd', directory: journal, units: ['django.service'], labels: { env: 'test' }, ...source }],
    }),
  };
  t.after(async () => {
    await ctx.agent?.stop();
    await receiver.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  return ctx;
}

const entries = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => ({
  message: `journal entry ${from + k}`, priority: (from + k) % 8, unit: (from + k) % 3 === 0 ? 'celery.service' : 'django.service',
}));

/**
 * How long an entry may take from systemd-journal-remote's write to the
 * receiver. No race was found behind the CI timeout: journalctl (252) sets
 * up its inotify watches before it reads (journalctl.c: "Opening the fd
 * now means the first sd_journal_wait() will actually wait"), so an entry
 * appended after it started is always noticed; the source reads one
 * journalctl from its cursor (no separate cursor read before the follow).
 * 300 appends 0–4 ms after journalctl started missed none, and under six
 * busy loops and an fsync loop on two cores an append took at most 0.9 s
 * and its entries at most 0.4 s more to arrive. The bound is raised to the
 * end-to-end tests' own so that a machine stalled by other suites does not
 * fail the test; what it checks (every entry, once) is unchanged.
 */
const JOURNAL_WAIT_MS = 60_000;

test('journald: entries of the unit arrive once, followed live and across a restart', { skip }, async (t) => {
  const c = await setup(t);
  appendJournal(c.journal, entries(0, 30));
  c.agent = await Agent.start(c.config(), silentLogger);
  const expected = (n: number) => Array.from({ length: n }, (_, i) => i).filter((i) => i % 3 !== 0);
  await until(() => c.receiver.events.size === expected(30).length, 'first entries', JOURNAL_WAIT_MS);
  appendJournal(c.journal, entries(30, 60));
  await until(() => c.receiver.events.size === expected(60).length, 'entries written while following', JOURNAL_WAIT_MS);
  // bytes_read_total counts what journalctl printed (each @raw and its newline); it stayed 0.
  const printed = c.receiver.raws().reduce((n, raw) => n + Buffer.byteLength(raw) + 1, 0);
  assert.equal(c.agent.metrics.get('bytes_read_total', { source: 'jd' }), printed);
  await c.agent.stop();
  appendJournal(c.journal, entries(60, 90));
  c.agent = await Agent.start(c.config(), silentLogger);
  await until(() => c.receiver.events.size === expected(90).length, 'entries after restart', JOURNAL_WAIT_MS);
  assert.equal(c.receiver.duplicates, 0);
  const got = c.receiver.raws().map((r) => JSON.parse(r) as Record<string, string>);
  assert.deepEqual(got.map((e) => Number(e.MESSAGE!.split(' ')[2])).sort((a, b) => a - b), expected(90));
  const ev = [...c.receiver.events.values()][0]!;
  assert.match(ev['event.id'], /^j:s=[0-9a-f]+;i=/);
  assert.equal(ev.source, 'journald');
  assert.equal(ev.host, 'agent-host');
  assert.equal(ev.env, 'test');
});

test("journald: entries another machine wrote (a journal-remote collector's files) keep their own host; this machine's get the agent's", { skip }, async (t) => {
  const c = await setup(t);
  const here = (() => { try { return readFileSync('/etc/machine-id', 'utf8').trim(); } catch { return ''; } })();
  appendJournal(c.journal, [
    { message: 'from web-7', priority: 6, unit: 'django.service', hostname: 'web-7', fields: { _MACHINE_ID: 'f'.repeat(32) } },
    ...(here ? [{ message: 'from here', priority: 6, unit: 'django.service', hostname: 'old-name', fields: { _MACHINE_ID: here } }] : []),
    { message: 'no machine id', priority: 6, unit: 'django.service', hostname: 'journal-host' },
  ]);
  c.agent = await Agent.start(c.config(), silentLogger);
  await until(() => c.receiver.events.size === (here ? 3 : 2), 'the entries', JOURNAL_WAIT_MS);
  const hostOf = (m: string) => [...c.receiver.events.values()].find((e) => (JSON.parse(e['@raw']!) as { MESSAGE: string }).MESSAGE === m)?.host;
  assert.equal(hostOf('from web-7'), 'web-7');
  if (here) assert.equal(hostOf('from here'), 'agent-host');
  assert.equal(hostOf('no machine id'), 'agent-host');
});

test('journald: without a machine id of its own (a container without /etc/machine-id), the local journal\'s entries get the agent\'s host; a directory: source\'s keep _HOSTNAME', { skip }, async (t) => {
  // Every entry was taken for another machine's there, and shipped with its _HOSTNAME instead of host:.
  const c = await setup(t);
  appendJournal(c.journal, [
    { message: 'stamped web-7', priority: 6, unit: 'django.service', hostname: 'web-7', fields: { _MACHINE_ID: 'f'.repeat(32) } },
    { message: 'no machine id', priority: 6, unit: 'django.service', hostname: 'journal-host' },
  ]);
  // The local journal, as journalctl without --directory reads it: the real journalctl, on these real files.
  const localJournalctl = join(c.dir, 'journalctl-local');
  writeFileSync(localJournalctl, `#!/bin/sh\nexec ${execFileSync('sh', ['-c', 'command -v journalctl'], { encoding: 'utf8' }).trim()} --directory=${c.journal} "$@"\n`, { mode: 0o755 });
  const otherId = join(c.dir, 'machine-id');
  writeFileSync(otherId, `${'e'.repeat(32)}\n`);
  const hosts = async (name: string, source: Record<string, unknown>, machineIdFiles: string[]): Promise<Record<string, string>> => {
    const config = c.config({ name, ...source }).sources[0] as JournaldSourceConfig;
    const got = new Map<string, string>();
    const sink: EventSink = {
      emit(envelope) {
        const ev = JSON.parse(envelope) as Record<string, string>;
        got.set((JSON.parse(ev['@raw']!) as { MESSAGE: string }).MESSAGE, ev.host!);
      },
      skip: () => undefined, blocked: false, closing: false, waitForRoom: () => Promise.resolve(),
    };
    const checkpoints = await CheckpointStore.open(join(c.dir, `data-${name}`), silentLogger);
    // A variable, not a literal: this context also builds against a source without machineIdFiles.
    const ctx = { host: 'agent-host', checkpoints, sink, metrics: new Metrics(), log: silentLogger, notices: new Notices(), machineIdFiles };
    const journald = new JournaldSource(config, ctx);
    await journald.start();
    try {
      await until(() => got.size === 2, `the entries (${name})`, JOURNAL_WAIT_MS);
    } finally {
      await journald.stop();
    }
    return Object.fromEntries(got);
  };
  const none = [join(c.dir, 'no-machine-id')];
  assert.deepEqual(await hosts('local', { directory: null, journalctl_path: localJournalctl }, none), { 'stamped web-7': 'agent-host', 'no machine id': 'agent-host' });
  // A journal-remote collector's files, read with directory:, keep each entry's own host, as before.
  assert.deepEqual(await hosts('collector', {}, none), { 'stamped web-7': 'web-7', 'no machine id': 'agent-host' });
  // A machine id known: the local journal's entries of another machine keep theirs, as before.
  assert.deepEqual(await hosts('known', { directory: null, journalctl_path: localJournalctl }, [otherId]), { 'stamped web-7': 'web-7', 'no machine id': 'agent-host' });
});

test('journald: a changed unit filter resumes without skipping an entry', { skip }, async (t) => {
  const c = await setup(t);
  appendJournal(c.journal, entries(0, 10));
  c.agent = await Agent.start(c.config(), silentLogger);
  await until(() => c.receiver.events.size === 6, 'django entries');
  await c.agent.stop();
  appendJournal(c.journal, entries(10, 20));
  c.agent = await Agent.start(c.config({ units: ['celery.service'] }), silentLogger);
  // Celery entries after the last django cursor (entry 8): 9, 12, 15, 18.
  // With --after-cursor, journalctl 252 would have skipped entry 9.
  await until(() => c.receiver.events.size === 10, 'celery entries after the cursor');
  assert.deepEqual(c.receiver.raws().map((r) => Number((JSON.parse(r) as { MESSAGE: string }).MESSAGE.split(' ')[2])).filter((n) => n % 3 === 0).sort((a, b) => a - b), [9, 12, 15, 18]);
});

test('journald: a missing journalctl is reported and retried', async (t) => {
  const c = await setup(t);
  const logged: string[] = [];
  // Without directory: (setup's folder holds no journal, for which the source would wait instead of running journalctl).
  c.agent = await Agent.start(c.config({ journalctl_path: join(c.dir, 'no-journalctl'), directory: null }), createLogger('info', (l) => logged.push(l)));
  await until(() => c.agent!.metrics.get('journalctl_restarts_total', { source: 'jd' }) >= 2, 'two restarts');
  assert.ok(logged.some((l) => l.includes('LS_AGENT_JOURNALCTL_FAILED') && l.includes('was not found')));
});

test('journald: a lasting journalctl failure is warned about once, a lack of permission with what to do; /health says it meanwhile', async (t) => {
  const c = await setup(t);
  // journalctl run by a user outside systemd-journal: it says so and exits 1.
  const fake = join(c.dir, 'journalctl');
  writeFileSync(fake, '#!/bin/sh\necho "No journal files were opened due to insufficient permissions." >&2\nexit 1\n', { mode: 0o755 });
  const logged: string[] = [];
  c.agent = await Agent.start(c.config({ journalctl_path: fake, directory: null }), createLogger('info', (l) => logged.push(l)));
  await until(() => c.agent!.metrics.get('journalctl_restarts_total', { source: 'jd' }) >= 3, 'three restarts');
  const warnings = logged.filter((l) => l.includes('LS_AGENT_JOURNALCTL_FAILED'));
  assert.equal(warnings.length, 1, logged.join('\n'));
  assert.match(warnings[0]!, /insufficient permissions.*must be in the systemd-journal group/);
  assert.match(String(c.agent.healthReport().reasons), /source jd: journalctl failed/);
});

test('journald: start_position end skips what was in the journal before the first start', { skip }, async (t) => {
  const c = await setup(t);
  appendJournal(c.journal, entries(0, 30));
  c.agent = await Agent.start(c.config({ start_position: 'end' }), silentLogger);
  // Marker entries until one arrives: then journalctl is following the end.
  let marker = 1000;
  await until(() => {
    if (c.receiver.events.size > 0) return true;
    appendJournal(c.journal, [{ message: `journal entry ${marker++} marker`, priority: 6, unit: 'django.service' }]);
    return false;
  }, 'a marker entry');
  appendJournal(c.journal, entries(30, 60));
  const numbers = (): number[] => c.receiver.raws().map((r) => Number((JSON.parse(r) as { MESSAGE: string }).MESSAGE.split(' ')[2]));
  await until(() => numbers().filter((n) => n < 1000).length === 20, 'the 20 new django entries');
  assert.deepEqual(numbers().filter((n) => n < 1000).sort((a, b) => a - b), Array.from({ length: 30 }, (_, i) => 30 + i).filter((i) => i % 3 !== 0));
});

/** Entries stamped `ageMs` before now (in journal order, so that journalctl's --since finds its place by time). */
const aged = (list: ReturnType<typeof entries>, ageMs: number) => {
  const at = (Date.now() - ageMs) * 1000;
  return list.map((e, i) => ({ ...e, fields: { __REALTIME_TIMESTAMP: String(at + i) } }));
};
const DAY_MS = 86_400_000;

test('journald: a first start without a checkpoint reads back max_age_s (a day by default), not the whole journal; later starts resume from the checkpoint', { skip }, async (t) => {
  // A first start read the journal from its beginning: on a long-running host, years of entries shipped at once.
  const c = await setup(t);
  appendJournal(c.journal, aged(entries(0, 30), 3 * DAY_MS));
  appendJournal(c.journal, aged(entries(30, 60), 2 * 3_600_000));
  const logged: string[] = [];
  c.agent = await Agent.start(c.config(), createLogger('info', (l) => logged.push(l)));
  const numbers = (): number[] => c.receiver.raws().map((r) => Number((JSON.parse(r) as { MESSAGE: string }).MESSAGE.split(' ')[2])).sort((a, b) => a - b);
  const django = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k).filter((i) => i % 3 !== 0);
  // In journal order: had the 3-day-old entries been read, they would have come before these.
  await until(() => c.receiver.events.size >= django(30, 60).length, 'the entries of the last day', JOURNAL_WAIT_MS);
  assert.deepEqual(numbers(), django(30, 60));
  const said = logged.find((l) => l.includes('No checkpoint yet'));
  assert.ok(said !== undefined && said.includes('"max_age_s":86400'), logged.join('\n'));
  await until(() => (c.agent!.checkpoints.get('jd:journald')?.cursor ?? '') !== '', 'the checkpoint');
  await c.agent.stop();

  // Written while stopped, an hour ago: past a max_age_s of a minute, yet after the checkpoint, which wins.
  appendJournal(c.journal, aged(entries(60, 90), 3_600_000));
  logged.length = 0;
  c.agent = await Agent.start(c.config({ max_age_s: 60 }), createLogger('info', (l) => logged.push(l)));
  await until(() => c.receiver.events.size >= django(30, 90).length, 'the entries after the checkpoint', JOURNAL_WAIT_MS);
  appendJournal(c.journal, [{ message: 'journal entry 1000', priority: 6, unit: 'django.service' }]);
  await until(() => numbers().includes(1000), 'an entry written after the restart', JOURNAL_WAIT_MS);
  assert.deepEqual(numbers(), [...django(30, 90), 1000]);
  assert.equal(c.receiver.duplicates, 0);
  assert.ok(!logged.some((l) => l.includes('No checkpoint yet')), 'a checkpoint: not a first start');
});

test('journald: max_age_s 0 reads the whole journal at the first start', { skip }, async (t) => {
  const c = await setup(t);
  appendJournal(c.journal, aged(entries(0, 30), 400 * DAY_MS));
  appendJournal(c.journal, entries(30, 60));
  c.agent = await Agent.start(c.config({ max_age_s: 0 }), silentLogger);
  await until(() => c.receiver.events.size === 40, 'every django entry', JOURNAL_WAIT_MS);
  assert.equal(c.receiver.duplicates, 0);
});

test('journald: exclude_lines tests MESSAGE; dropped entries move the cursor and are not read again', { skip }, async (t) => {
  const c = await setup(t);
  appendJournal(c.journal, entries(0, 30));
  const source = { exclude_lines: ['entry \\d*[05]$'] };
  c.agent = await Agent.start(c.config(source), silentLogger);
  // django entries (i % 3 != 0) not ending in 0 or 5.
  const kept = (n: number) => Array.from({ length: n }, (_, i) => i).filter((i) => i % 3 !== 0 && i % 5 !== 0);
  await until(() => c.receiver.events.size === kept(30).length, 'kept entries');
  // The last django entries (25, 26... 29 is kept): only dropped ones follow 28 after this append.
  appendJournal(c.journal, [{ message: 'journal entry 40', priority: 6, unit: 'django.service' }, { message: 'journal entry 50', priority: 6, unit: 'django.service' }]);
  await until(() => c.agent!.metrics.get('events_filtered_out_total', { source: 'jd' }) === 20 - kept(30).length + 2, 'the dropped entries counted');
  await until(() => (c.agent!.checkpoints.get('jd:journald')?.cursor ?? '') !== '' && c.agent!.checkpoints.get('jd:journald')?.cursor === lastCursor(c.journal), 'the cursor at the last (dropped) entry');
  await c.agent.stop();
  c.agent = await Agent.start(c.config(source), silentLogger);
  appendJournal(c.journal, [{ message: 'journal entry 61', priority: 6, unit: 'django.service' }]);
  await until(() => c.receiver.events.size === kept(30).length + 1, 'the entry after the restart');
  assert.equal(c.agent.metrics.get('events_filtered_out_total', { source: 'jd' }), 0, 'nothing read again');
  assert.equal(c.receiver.duplicates, 0);
});

function lastCursor(journal: string): string {
  const out = execFileSync('journalctl', ['-o', 'json', '--lines=1', '--no-pager', `--directory=${journal}`], { encoding: 'utf8' });
  return (JSON.parse(out.trim()) as { __CURSOR: string }).__CURSOR;
}

test('journald: two sources that read one entry each ship it, with their labels; reordered, they keep their ids', { skip }, async (t) => {
  // Both sent `j:<cursor>`, and ingest kept whichever arrived first: a unit's
  // source of its own beside one for every unit lost its labels.
  const c = await setup(t);
  appendJournal(c.journal, entries(0, 30));
  const jd = { type: 'journald', name: 'jd', directory: c.journal, units: ['django.service'], labels: { job: 'django' } };
  const all = { type: 'journald', name: 'all', directory: c.journal, labels: { job: 'all' } };
  const config = (sources: Array<Record<string, unknown>>) => ({ ...c.config(), sources: validateConfig({ server: { url: c.receiver.url }, data_dir: c.dir, sources }).sources });
  c.agent = await Agent.start(config([all, jd]), silentLogger);
  const byJob = (job: string) => [...c.receiver.events.values()].filter((e) => e.job === job);
  await until(() => byJob('all').length === 30 && byJob('django').length === 20, 'every entry from all, the django ones from jd', JOURNAL_WAIT_MS);
  assert.ok(byJob('all').every((e) => /^j:[^~]+$/.test(e['event.id'])), 'the first source keeps the plain ids');
  assert.ok(byJob('django').every((e) => e['event.id'].endsWith('~jd')));
  await c.agent.stop();
  appendJournal(c.journal, entries(30, 33));
  c.agent = await Agent.start(config([jd, all]), silentLogger);
  await until(() => byJob('all').length === 33 && byJob('django').length === 22, 'the new entries of each', JOURNAL_WAIT_MS);
  assert.ok(byJob('all').every((e) => /^j:[^~]+$/.test(e['event.id'])), 'reordered: still the plain ids');
  assert.equal(c.receiver.duplicates, 0);
});

test('journald: upgrading, a source that now carries its name keeps the plain ids for what the earlier agent can have sent', { skip }, async (t) => {
  const c = await setup(t);
  appendJournal(c.journal, entries(0, 30));
  const jd = { type: 'journald', name: 'jd', directory: c.journal, units: ['django.service'], labels: { job: 'django' } };
  const all = { type: 'journald', name: 'all', directory: c.journal, labels: { job: 'all' } };
  const config = (sources: Array<Record<string, unknown>>) => ({ ...c.config(), sources: validateConfig({ server: { url: c.receiver.url }, data_dir: c.dir, sources }).sources });
  // Each alone, as an earlier agent read both: every entry under its plain id.
  c.agent = await Agent.start(config([all]), silentLogger);
  await until(() => c.receiver.events.size === 30, 'every entry', JOURNAL_WAIT_MS);
  await c.agent.stop();
  c.agent = await Agent.start(config([jd]), silentLogger);
  await until(() => c.receiver.duplicates === 20, 'the django entries', JOURNAL_WAIT_MS);
  await c.agent.stop();
  // As the earlier agent left it, its last batches of jd not acknowledged.
  const file = join(c.dir, 'data', CHECKPOINT_FILE);
  const doc = JSON.parse(readFileSync(file, 'utf8')) as { positions: Record<string, Record<string, unknown>> };
  for (const p of Object.values(doc.positions)) delete p.id_source;
  delete doc.positions['jd:journald']!.cursor;
  writeFileSync(file, JSON.stringify(doc));
  c.agent = await Agent.start(config([all, jd]), silentLogger);
  await until(() => c.receiver.duplicates === 40, 'jd\'s entries sent again under the ids they had', JOURNAL_WAIT_MS);
  appendJournal(c.journal, entries(30, 33));
  const qualified = () => [...c.receiver.events.values()].filter((e) => e['event.id'].endsWith('~jd'));
  await until(() => qualified().length === 2 && c.receiver.events.size === 35, 'the new entries', JOURNAL_WAIT_MS);
  assert.deepEqual(qualified().map((e) => (JSON.parse(e['@raw']) as { MESSAGE: string }).MESSAGE).sort(), ['journal entry 31', 'journal entry 32']);
  assert.equal(c.agent.checkpoints.get('all:journald')?.id_source, '');
  assert.equal(c.agent.checkpoints.get('jd:journald')?.id_source, 'jd');
  assert.equal(typeof c.agent.checkpoints.get('jd:journald')?.plain_ids_through, 'string');
});

test('journald: a directory: that does not exist yet is waited for (one warning, /health 200 listing it as waiting), then read from its first entry, once', { skip }, async (t) => {
  // It was journalctl failing every 30 s for ever, /health 503, until the folder came.
  const c = await setup(t);
  const later = join(c.dir, 'collector', 'journal');
  const logged: string[] = [];
  const jd = { type: 'journald', name: 'jd', directory: later, units: ['django.service'] };
  // start_position end too: the folder's entries were not there at the start, as a file that appears later, read whole.
  const fromEnd = { ...jd, name: 'jdend', start_position: 'end' };
  const config = { ...c.config(), sources: validateConfig({ server: { url: c.receiver.url }, data_dir: c.dir, sources: [jd, fromEnd] }).sources };
  // Debug: a source that looks again and finds the folder changed says so (one debug line), the sign it looked.
  c.agent = await Agent.start(config, createLogger('debug', (l) => logged.push(l)));
  const agent = c.agent;
  const warnings = () => logged.filter((l) => l.includes('"level":"warn"'));
  // Each source looked (its warning), and waits.
  await until(() => warnings().length >= 2, 'a warning from each source', JOURNAL_WAIT_MS);
  const health = agent.healthReport();
  assert.equal(health.status, 'healthy', JSON.stringify(health));
  assert.deepEqual(health.reasons, []);
  assert.equal((health.waiting as string[] | undefined)?.length, 2, JSON.stringify(health));
  assert.match(String((health.waiting as string[])[0]), new RegExp(`^source jd: its directory ${later} does not exist yet`));
  mkdirSync(later, { recursive: true });
  // Looked at again (every second) until each source found the folder, still without a journal file:
  // still one warning each, nothing restarted. A sleep here proved nothing on a slow machine.
  const lookedAgain = () => logged.filter((l) => l.includes('holds no journal file yet')).length;
  await until(() => lookedAgain() >= 2, 'each source looking at the folder made', JOURNAL_WAIT_MS);
  assert.equal(agent.healthReport().status, 'healthy', 'a folder without a journal file yet: still waiting');
  assert.equal(warnings().length, 2, logged.join('\n'));
  assert.ok(warnings().every((w) => w.includes('waits') && w.includes(later)), warnings().join('\n'));
  assert.equal(agent.metrics.get('journalctl_restarts_total', { source: 'jd' }), 0);

  appendJournal(later, entries(0, 30));
  const django = Array.from({ length: 30 }, (_, i) => i).filter((i) => i % 3 !== 0);
  await until(() => c.receiver.events.size === 2 * django.length, 'every django entry, by each source', JOURNAL_WAIT_MS);
  appendJournal(later, entries(30, 33));
  await until(() => c.receiver.events.size === 2 * (django.length + 2), 'the entries written after', JOURNAL_WAIT_MS);
  assert.equal(c.receiver.duplicates, 0);
  // jd ships the plain ids, jdend (the second source reading them) its name in its ids.
  const numbers = (ofEnd: boolean) => [...c.receiver.events.values()].filter((e) => e['event.id'].endsWith('~jdend') === ofEnd)
    .map((e) => Number((JSON.parse(e['@raw']!) as { MESSAGE: string }).MESSAGE.split(' ')[2])).sort((a, b) => a - b);
  assert.deepEqual(numbers(false), [...django, 31, 32]);
  assert.deepEqual(numbers(true), [...django, 31, 32]);
  assert.deepEqual(agent.healthReport().waiting, []);
  assert.ok(logged.some((l) => l.includes('holds a journal now')), logged.join('\n'));
  assert.equal(logged.filter((l) => l.includes('"level":"warn"')).length, 2, logged.join('\n'));
});

test('journald: start_position end, restarted before any entry was acknowledged, reads from the first start, not from its own end', { skip }, async (t) => {
  // The restart read from the journal's end again: what was read and not acknowledged, and what came while it was down, was lost.
  const c = await setup(t);
  appendJournal(c.journal, aged(entries(0, 6), 3_600_000));
  const config = c.config({ start_position: 'end' }).sources[0] as JournaldSourceConfig;
  const got: string[] = [];
  // A sink that never acknowledges: ingest down.
  const sink: EventSink = {
    emit(envelope) { got.push((JSON.parse((JSON.parse(envelope) as { '@raw': string })['@raw']) as { MESSAGE: string }).MESSAGE); },
    skip: () => undefined, blocked: false, closing: false, waitForRoom: () => Promise.resolve(),
  };
  const open = async (): Promise<JournaldSource> => {
    const checkpoints = await CheckpointStore.open(join(c.dir, 'data'), silentLogger);
    const source = new JournaldSource(config, { host: 'agent-host', checkpoints, sink, metrics: new Metrics(), log: silentLogger, notices: new Notices() });
    await source.start();
    return source;
  };
  let source = await open();
  // Marker entries until one arrives: then journalctl follows the end.
  let marker = 100;
  await until(() => {
    if (got.length > 0) return true;
    appendJournal(c.journal, [{ message: `journal entry ${marker++}`, priority: 6, unit: 'django.service' }]);
    return false;
  }, 'a marker entry', JOURNAL_WAIT_MS);
  await source.stop();
  assert.ok(!got.some((m) => Number(m.split(' ')[2]) < 6), 'nothing from before the first start');
  appendJournal(c.journal, entries(6, 12));
  // Every marker was written after the first start (those before journalctl followed too).
  const expected = [...Array.from({ length: marker - 100 }, (_, i) => `journal entry ${100 + i}`), 'journal entry 7', 'journal entry 8', 'journal entry 10', 'journal entry 11'];
  got.length = 0;
  source = await open();
  try {
    await until(() => got.length >= expected.length, 'the marker entries again and the entries written while stopped', JOURNAL_WAIT_MS);
  } finally {
    await source.stop();
  }
  assert.deepEqual(got, expected);
});
