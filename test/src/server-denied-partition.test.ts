/**
 * A partition file the server's user may not read or write, made so while
 * the server runs or before it starts (a command run with sudo, a restore
 * as root, a chmod), through a real `logship serve` of each embedded
 * format: the start logs it and `serve --check` warns (until 2026-12-07
 * both refused it, LS_STORE_DATA_DIR); an ingest into
 * its day answers 503 with Retry-After naming the file and "permission
 * denied", a batch mixing it with another day is refused whole (as for a
 * locked file), and a search over the range answers the rest with a
 * warning coded LS_STORE_PARTITION_DENIED for it, beside a damaged day's
 * LS_STORE_CORRUPT_PARTITION. Nothing says damaged; given back (chown),
 * the day is written and read again without a restart. Until 2026-12-07
 * the ingest said the partition "is damaged inside" and to move it aside,
 * the day stayed refused after the chown until a restart, the first search
 * answered 500 (its reader thread's start refused the folder), and every
 * warning was coded LS_STORE_CORRUPT_PARTITION whatever its cause.
 *
 * Root may open any file, so as root the server runs as nobody over a
 * folder given to nobody, and the file is root's with mode 600 or 644; as
 * another user the file is chmod 000 or 444.
 */
import assert from 'node:assert/strict';
import { chmodSync, chownSync, openSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { removeDir, runLogship, startServer, stopAll, tempDir, type ServerHandle } from './harness.js';
import { chownTree, NOBODY } from './file-owner.js';

const DAY = 86_400_000;
const asRoot = process.getuid?.() === 0;

after(stopAll);

interface Answer {
  status: number;
  retryAfter: string | null;
  body: Record<string, unknown>;
}

async function post(server: ServerHandle, lines: string[]): Promise<Answer> {
  const res = await fetch(`${server.url}/api/v1/ingest`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: lines.join('\n') + '\n' });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as Record<string, unknown> };
}

interface SearchAnswer {
  hits: { run: string }[];
  warnings?: { code: string; partition: string; message: string }[];
}

async function searchRange(server: ServerHandle): Promise<SearchAnswer> {
  const res = await fetch(`${server.url}/api/v1/search?q=*&from=now-5d&to=now%2B1d&limit=1000`);
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as SearchAnswer;
}

// Each format with one of the two ways a file is denied: not readable at all (SQLite cannot open it), or readable
// but not writable (SQLite opens it read-only, and its writes fail).
/**
 * A test's data folder under `root` (the server's user's, when root runs it
 * as nobody) for `format`, and its events: `line(run, back, i)` at noon
 * `back` UTC days ago plus `i` seconds, in day file `dayFile(back)`. Days
 * back, away from today: a write of a day probes the day before (its
 * dedupe), so each day's file is opened only by its own writes.
 */
function setUp(root: string, format: string) {
  chmodSync(root, 0o755);
  const dataDir = join(root, 'data');
  const base = Math.floor(Date.now() / DAY) * DAY;
  const noonOf = (back: number): number => base - back * DAY + DAY / 2;
  return {
    dataDir,
    folder: join(dataDir, format === 'blocks' ? 'blocks' : 'sqlite'),
    configYaml: `store:\n  type: sqlite\n  format: ${format}\n`,
    as: asRoot ? { as: { uid: NOBODY, gid: NOBODY } } : {},
    dayFile: (back: number): string => `${new Date(noonOf(back)).toISOString().slice(0, 10)}.default.db`,
    line: (run: string, back: number, i: number): string =>
      JSON.stringify({ '@timestamp': new Date(noonOf(back) + i * 1000).toISOString(), 'event.id': `${run}-${i}`, message: `${run} ${i}`, run }),
  };
}

const cases = [
  { format: 'blocks', mode: asRoot ? 0o600 : 0o000, what: 'unreadable' },
  { format: 'rows', mode: asRoot ? 0o644 : 0o444, what: 'read-only' },
] as const;

for (const { format, mode, what } of cases) {
  test(`${format}, ${what}: a partition file the server's user may not open is no damage: ingest 503 naming it, search answers the rest with a LS_STORE_PARTITION_DENIED warning, chown gives the day back`, { timeout: 180_000 }, async () => {
    const root = await tempDir(`logship-denied-${format}-`);
    try {
      const { dataDir, folder, configYaml, as, dayFile, line } = setUp(root, format);
      const denied = { back: 2, name: dayFile(2) };
      const damaged = { back: 4, name: dayFile(4) };

      if (asRoot) chownTree(root, NOBODY);
      const first = await startServer({ dataDir, configYaml, ...as });
      const written = await post(first, [0, 1, 2].map((i) => line('denied-day', denied.back, i)).concat([0, 1].map((i) => line('damaged-day', damaged.back, i)), [line('other-day', 1, 0)]));
      assert.equal(written.status, 200, JSON.stringify(written.body));
      assert.equal(await first.stop('SIGTERM'), 0);

      // Damage one day's header (found without opening it), then start again: nothing holds the denied day's file open.
      const fd = openSync(join(folder, damaged.name), 'r+');
      writeSync(fd, Buffer.alloc(16, 0x5a), 0, 16, 0);
      closeSync(fd);
      const server = await startServer({ dataDir, configYaml, port: first.port, ...as });
      const file = join(folder, denied.name);
      // Read first: a reader thread keeps the day's connection open, which still reads the file once it is denied.
      const before = await searchRange(server);
      assert.deepEqual(before.hits.map((h) => h.run).sort(), ['denied-day', 'denied-day', 'denied-day', 'other-day']);
      assert.deepEqual((before.warnings ?? []).map((w) => [w.partition, w.code]), [[damaged.name, 'LS_STORE_CORRUPT_PARTITION']]);
      // Made so while the server runs, after a read opened it (a file denied before the start: the tests below).
      if (asRoot) chownSync(file, 0, 0);
      chmodSync(file, mode);

      const refused = await post(server, [line('denied-day', denied.back, 3)]);
      const error = refused.body.error as { code: string; message: string };
      assert.equal(refused.status, 503, JSON.stringify(refused.body));
      assert.ok(Number(refused.retryAfter) > 0, 'Retry-After');
      assert.equal(error.code, 'LS_INGEST_STORE_UNAVAILABLE');
      assert.ok(error.message.includes(`${file}: permission denied`), error.message);
      assert.doesNotMatch(error.message, /damaged|move it aside/);
      // Refused whole, as a batch holding a locked day is: nothing of it was acknowledged, the retry stores it.
      const mixed = await post(server, [line('denied-day', denied.back, 4), line('other-day', 1, 1)]);
      assert.equal(mixed.status, 503, JSON.stringify(mixed.body));
      assert.ok((mixed.body.error as { message: string }).message.includes(`${file}: permission denied`), JSON.stringify(mixed.body));

      // The day after is written: a write opens the day before only for events stamped on receipt (block store: every write did).
      const next = await post(server, [line('other-day', denied.back - 1, 2)]);
      assert.equal(next.status, 200, JSON.stringify(next.body));
      assert.equal(next.body.stored, 1);

      const answer = await searchRange(server);
      const warnings = [...(answer.warnings ?? [])].sort((a, b) => a.partition.localeCompare(b.partition));
      if (what === 'read-only') {
        // A file the server may read is read (a read-only connection), only its writes refused: until 2026-12-07
        // its day was left out of every answer with a LS_STORE_PARTITION_DENIED warning.
        assert.deepEqual(answer.hits.map((h) => h.run).sort(), ['denied-day', 'denied-day', 'denied-day', 'other-day', 'other-day'], 'the read-only day read');
        assert.deepEqual(warnings.map((w) => [w.partition, w.code]), [[damaged.name, 'LS_STORE_CORRUPT_PARTITION']]);
      } else {
        // The day left out, as the warning says, though the reader thread's connection could still read it.
        assert.deepEqual(answer.hits.map((h) => h.run).sort(), ['other-day', 'other-day'], 'the rest of the range answered');
        assert.deepEqual(warnings.map((w) => [w.partition, w.code]), [
          [damaged.name, 'LS_STORE_CORRUPT_PARTITION'],
          [denied.name, 'LS_STORE_PARTITION_DENIED'],
        ]);
        assert.ok(warnings[1]!.message.includes(`${file}: permission denied`), warnings[1]!.message);
        assert.doesNotMatch(warnings[1]!.message, /damaged/);
      }
      // The field sidebar's answers count without the same days, and say so as search does.
      for (const path of ['/api/v1/fields', '/api/v1/fields/run/values']) {
        const res = await fetch(`${server.url}${path}?q=*&from=now-5d&to=now%2B1d`);
        assert.equal(res.status, 200, await res.clone().text());
        const body = (await res.json()) as SearchAnswer & { values?: { value: string; count: number }[] };
        assert.deepEqual((body.warnings ?? []).map((w) => [w.partition, w.code]).sort(), warnings.map((w) => [w.partition, w.code]), path);
        if (body.values) assert.deepEqual(body.values, what === 'read-only' ? [{ value: 'denied-day', count: 3 }, { value: 'other-day', count: 2 }] : [{ value: 'other-day', count: 2 }]);
      }
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      assert.match(metrics, what === 'read-only' ? /^logship_store_unreadable_partitions 1$/m : /^logship_store_unreadable_partitions 2$/m);
      // The server's own words about the denied day: none says damaged (the other day's header damage is logged at the start).
      const saidDamaged = (): string[] => server.output().split('\n').filter((l) => l.includes(denied.name) && /damaged/i.test(l));
      assert.deepEqual(saidDamaged(), []);

      // Given back, without a restart: the day is written and read again.
      if (asRoot) chownSync(file, NOBODY, NOBODY);
      chmodSync(file, 0o644);
      const retried = await post(server, [line('denied-day', denied.back, 3)]);
      assert.equal(retried.status, 200, JSON.stringify(retried.body));
      assert.equal(retried.body.stored, 1);
      const mixedAgain = await post(server, [line('denied-day', denied.back, 4), line('other-day', 1, 1)]);
      assert.equal(mixedAgain.status, 200, JSON.stringify(mixedAgain.body));
      assert.equal((mixedAgain.body.stored as number) + (mixedAgain.body.duplicates as number), 2, JSON.stringify(mixedAgain.body));
      const healed = await searchRange(server);
      assert.deepEqual(healed.hits.map((h) => h.run).sort(), ['denied-day', 'denied-day', 'denied-day', 'denied-day', 'denied-day', 'other-day', 'other-day', 'other-day']);
      assert.deepEqual((healed.warnings ?? []).map((w) => [w.partition, w.code]), [[damaged.name, 'LS_STORE_CORRUPT_PARTITION']]);
      assert.deepEqual(saidDamaged(), []);
    } finally {
      await stopAll();
      await removeDir(root);
    }
  });
}

// A file the server may read but not write, never opened by this run before (its reader threads open it read-only;
// its side files went at the stop's checkpoint, and SQLite makes them again, the server's): searched with the rest,
// only its writes refused; given back, the day is written and searched without a restart. It is yesterday's: a batch
// stamped on receipt probes it for a retry's copies (the writer thread opens it for reading, read-only), and was
// refused whole (503) until 2026-12-07; a write to it then reopens it for writing (refused while it may not, written
// once given back), where a read-only connection kept would fail every write until a restart. Until 2026-12-07 it was left out of every answer
// with a LS_STORE_PARTITION_DENIED warning, though it could be read.
for (const format of ['blocks', 'rows'] as const) {
  test(`${format}: a partition file the server's user may read but not write is searched, only its writes refused (LS_STORE_PARTITION_DENIED)`, { timeout: 180_000 }, async () => {
    const root = await tempDir(`logship-read-only-${format}-`);
    try {
      const { dataDir, folder, configYaml, as, dayFile, line } = setUp(root, format);
      const file = join(folder, dayFile(1));

      if (asRoot) chownTree(root, NOBODY);
      const first = await startServer({ dataDir, configYaml, ...as });
      assert.equal((await post(first, [0, 1, 2].map((i) => line('read-only-day', 1, i)).concat([line('other-day', 3, 0)]))).status, 200);
      assert.equal(await first.stop('SIGTERM'), 0);
      // Made so before the start, so that no read of this run opened it before.
      if (asRoot) chownSync(file, 0, 0);
      chmodSync(file, asRoot ? 0o644 : 0o444);
      const server = await startServer({ dataDir, configYaml, port: first.port, ...as });

      const answer = await searchRange(server);
      assert.deepEqual(answer.hits.map((h) => h.run).sort(), ['other-day', 'read-only-day', 'read-only-day', 'read-only-day']);
      assert.equal(answer.warnings, undefined);
      const received = await post(server, [JSON.stringify({ 'event.id': 'received-0', message: 'received 0', run: 'received' })]);
      assert.equal(received.status, 200, JSON.stringify(received.body));
      assert.equal(received.body.stored, 1);
      const refused = await post(server, [line('read-only-day', 1, 3)]);
      assert.equal(refused.status, 503, JSON.stringify(refused.body));
      assert.ok((refused.body.error as { message: string }).message.includes(`${file}: permission denied`), JSON.stringify(refused.body));

      if (asRoot) chownSync(file, NOBODY, NOBODY);
      chmodSync(file, 0o644);
      const retried = await post(server, [line('read-only-day', 1, 3)]);
      assert.equal(retried.status, 200, JSON.stringify(retried.body));
      assert.equal(retried.body.stored, 1);
      assert.deepEqual((await searchRange(server)).hits.map((h) => h.run).sort(), ['other-day', 'read-only-day', 'read-only-day', 'read-only-day', 'read-only-day', 'received']);
      assert.doesNotMatch(server.output(), /damaged/i);
    } finally {
      await stopAll();
      await removeDir(root);
    }
  });
}

// A file denied before the start (a backup restored as root, `sudo logship …` while the server was down), for each
// format and each way it is denied: the server starts and treats it as one denied while it runs, its log and /metrics
// say so from the start, and `serve --check` warns of it (exit 0). Until 2026-12-07 both refused (LS_STORE_DATA_DIR),
// so one such file took the whole server down, where Loki, VictoriaLogs and Elasticsearch start and report the part
// they cannot read.
for (const format of ['blocks', 'rows'] as const) {
  for (const what of ['unreadable', 'read-only'] as const) {
    test(`${format}, ${what} before the start: the server starts, says so, leaves out or reads the day, refuses its writes (503), and takes it back on a chown; serve --check warns (exit 0)`, { timeout: 180_000 }, async () => {
      const root = await tempDir(`logship-denied-start-${format}-`);
      try {
        const { dataDir, folder, configYaml, as, dayFile, line } = setUp(root, format);
        const file = join(folder, dayFile(2));
        const mode = what === 'read-only' ? (asRoot ? 0o644 : 0o444) : asRoot ? 0o600 : 0o000;
        if (asRoot) chownTree(root, NOBODY);
        const first = await startServer({ dataDir, configYaml, ...as });
        assert.equal((await post(first, [0, 1, 2].map((i) => line('denied-day', 2, i)).concat([line('other-day', 1, 0)]))).status, 200);
        assert.equal(await first.stop('SIGTERM'), 0);
        if (asRoot) chownSync(file, 0, 0);
        chmodSync(file, mode);
        const owner = `(it belongs to uid ${asRoot ? 0 : process.getuid?.()}, mode ${mode.toString(8)}; the server runs as uid ${asRoot ? NOBODY : process.getuid?.()})`;

        const check = await runLogship(['serve', '--check', '--config', join(dataDir, '..', `logship-server-${first.port}.yaml`), '--data', dataDir], asRoot ? { uid: NOBODY, gid: NOBODY } : {});
        assert.equal(check.code, 0, check.stdout + check.stderr);
        const checkWarnings = check.stdout.split('\n').filter((l) => l.includes(file));
        assert.equal(checkWarnings.length, 1, check.stdout);
        assert.ok(checkWarnings[0]!.startsWith(`  warning: ${file}: permission denied (EACCES) ${owner}`), checkWarnings[0]);
        assert.match(checkWarnings[0]!, /server starts all the same.*chown/);

        const server = await startServer({ dataDir, configYaml, port: first.port, ...as });
        const said = server.output().split('\n').filter((l) => l.includes(file));
        assert.equal(said.length, 1, server.output());
        assert.ok(said[0]!.includes(`${file}: permission denied (EACCES) ${owner}`), said[0]);
        assert.match(said[0]!, /"level":(40|"warn")/);
        assert.doesNotMatch(server.output(), /damaged/i);
        const metrics = await (await fetch(`${server.url}/metrics`)).text();
        assert.match(metrics, what === 'read-only' ? /^logship_store_unreadable_partitions 0$/m : /^logship_store_unreadable_partitions 1$/m);

        const answer = await searchRange(server);
        if (what === 'read-only') {
          assert.deepEqual(answer.hits.map((h) => h.run).sort(), ['denied-day', 'denied-day', 'denied-day', 'other-day']);
          assert.equal(answer.warnings, undefined);
        } else {
          assert.deepEqual(answer.hits.map((h) => h.run), ['other-day']);
          assert.deepEqual((answer.warnings ?? []).map((w) => [w.partition, w.code]), [[dayFile(2), 'LS_STORE_PARTITION_DENIED']]);
          assert.ok(answer.warnings![0]!.message.includes(`${file}: permission denied`), answer.warnings![0]!.message);
        }
        const refused = await post(server, [line('denied-day', 2, 3)]);
        assert.equal(refused.status, 503, JSON.stringify(refused.body));
        assert.ok((refused.body.error as { message: string }).message.includes(`${file}: permission denied`), JSON.stringify(refused.body));
        assert.equal((await post(server, [line('other-day', 1, 1)])).status, 200);

        // Given back, without a restart.
        if (asRoot) chownSync(file, NOBODY, NOBODY);
        chmodSync(file, 0o644);
        const retried = await post(server, [line('denied-day', 2, 3)]);
        assert.equal(retried.status, 200, JSON.stringify(retried.body));
        assert.equal(retried.body.stored, 1);
        const healed = await searchRange(server);
        assert.deepEqual(healed.hits.map((h) => h.run).sort(), ['denied-day', 'denied-day', 'denied-day', 'denied-day', 'other-day', 'other-day']);
        assert.equal(healed.warnings, undefined);
        assert.match(await (await fetch(`${server.url}/metrics`)).text(), /^logship_store_unreadable_partitions 0$/m);
      } finally {
        await stopAll();
        await removeDir(root);
      }
    });
  }
}
