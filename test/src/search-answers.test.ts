/**
 * Search answers what users mean (issue 15), through a real `logship serve`
 * process on SQLite and on a real Elasticsearch:
 *
 *   1. tracebacks are found by plain text (exc_info, err.stack, ECS
 *      error.stack_trace, structlog exception, loguru text);
 *   2. loguru's `text` is kept, so its traceback is searchable;
 *   3. a query's own @timestamp range is the range searched, and every
 *      search and aggregate answer states it;
 *   5. the CLI says why nothing was found, and when it shows a part.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { ingest, logshipBin, removeDir, startServer, stopAll, tempDir, type ServerHandle } from './harness.js';

const run = promisify(execFile);
const ES_URL = process.env.LOGSHIP_TEST_ES_URL;
if (!ES_URL && process.env.CI === 'true') throw new Error('CI=true but LOGSHIP_TEST_ES_URL is not set: scripts/test.sh starts Elasticsearch');
if (!ES_URL) console.warn('WARNING: LOGSHIP_TEST_ES_URL is not set: the Elasticsearch half of search-answers is SKIPPED');

const TRACE = (value: string): string =>
  `Traceback (most recent call last):\n  File "/srv/orders/views.py", line 42, in create\n    order = payload["order_id"]\nKeyError: '${value}'`;

/**
 * Lines as the formats write them. `n` identifies each; `run` separates
 * this test's events from anything else in a shared cluster.
 */
function lines(run: string, now: number): { lines: string[]; traceback: number[]; recent: number[]; old: number[] } {
  const at = (minutesAgo: number): number => now - minutesAgo * 60_000;
  const out: Record<string, unknown>[] = [
    // python-json-logger, logger.exception(): the traceback only in exc_info.
    { created: at(120) / 1000, levelname: 'ERROR', name: 'django.request', message: 'Internal Server Error: /api/orders', exc_info: TRACE('missing_order_id'), run, n: 0 },
    // pino / bunyan serialized error.
    { level: 50, time: at(5), msg: 'request errored', err: { type: 'KeyError', message: 'missing', stack: 'KeyError: missing\n    at handler (/srv/app.js:10:5)' }, run, n: 1 },
    // ECS.
    { '@timestamp': new Date(at(3)).toISOString(), 'log.level': 'error', message: 'order close failed', 'ecs.version': '8.11.0', error: { type: 'KeyError', stack_trace: 'java.lang.KeyError: missing_order_id\n\tat com.example.Main.run(Main.java:7)' }, run, n: 2 },
    // structlog format_exc_info.
    { timestamp: new Date(at(150)).toISOString(), level: 'error', event: 'task failed', exception: TRACE('missing_order_id'), run, n: 3 },
    // loguru serialize=True: the traceback only in `text`.
    {
      text: `2026-02-08 12:00:00.123 | ERROR | app:charge:12 - charge failed\n${TRACE('missing_order_id')}\n`,
      record: {
        exception: { type: 'KeyError', value: "'missing_order_id'", traceback: true },
        extra: { run, n: 4 }, function: 'charge', level: { icon: '❌', name: 'ERROR', no: 40 }, line: 12,
        message: 'charge failed', name: 'app', time: { repr: 'x', timestamp: at(2) / 1000 },
      },
    },
    // Plain events, some inside the default window and some hours old.
    { created: at(1) / 1000, levelname: 'INFO', name: 'app', message: 'order created', run, n: 5 },
    { created: at(130) / 1000, levelname: 'INFO', name: 'app', message: 'order created', run, n: 6 },
    { created: at(170) / 1000, levelname: 'INFO', name: 'app', message: 'order shipped', run, n: 7 },
    { created: at(240) / 1000, levelname: 'INFO', name: 'app', message: 'before the window', run, n: 8 },
  ];
  return {
    lines: out.map((o) => JSON.stringify(o)),
    traceback: [0, 2, 3, 4],
    recent: [1, 2, 4, 5],
    old: [0, 3, 6, 7],
  };
}

interface Answer {
  hits: Record<string, unknown>[];
  total: { value: number };
  range: { from: string; to: string };
}

async function get(url: string, path: string, params: Record<string, string>): Promise<{ status: number; body: Answer & Record<string, unknown> }> {
  const res = await fetch(`${url}${path}?${new URLSearchParams(params)}`);
  return { status: res.status, body: (await res.json()) as Answer & Record<string, unknown> };
}

const ns = (hits: Record<string, unknown>[]): number[] => hits.map((h) => Number(h.n)).sort((a, b) => a - b);

function suite(name: string, config: () => string | undefined, skip: boolean): void {
  describe(`search answers (${name})`, { skip }, () => {
    let root: string;
    let server: ServerHandle;
    const runId = `answers-${name}-${process.pid}`;
    let data: ReturnType<typeof lines>;
    let env: NodeJS.ProcessEnv;

    before(async () => {
      root = await tempDir('logship-answers-');
      const yaml = config();
      server = await startServer({ dataDir: join(root, 'data'), ...(yaml ? { configYaml: yaml } : {}) });
      data = lines(runId, Date.now());
      const ans = await ingest(server.url, data.lines);
      assert.equal(ans.stored, data.lines.length, JSON.stringify(ans));
      env = { ...process.env, LOGSHIP_URL: server.url, NO_COLOR: '1' };
    });

    after(async () => {
      await stopAll();
      if (name === 'elasticsearch') {
        await fetch(`${ES_URL}/${runId}-*`, { method: 'DELETE' }).catch(() => {});
        await fetch(`${ES_URL}/_index_template/${runId}-logship`, { method: 'DELETE' }).catch(() => {});
      }
      await removeDir(root);
    });

    test('item 1: plain text and phrases find tracebacks in every text field', async () => {
      const q = (text: string) => get(server.url, '/api/v1/search', { q: `run:"${runId}" AND (${text})`, from: 'now-1d' });
      assert.deepEqual(ns((await q('KeyError')).body.hits), [0, 1, 2, 3, 4]);
      assert.deepEqual(ns((await q('"missing_order_id"')).body.hits), data.traceback);
      assert.deepEqual(ns((await q('"most recent call last"')).body.hits), [0, 3, 4]);
      assert.deepEqual(ns((await q('exc_info:KeyError')).body.hits), [0]);
      assert.deepEqual(ns((await q('err.stack:handler')).body.hits), [1]);
      assert.deepEqual(ns((await q('error.stack_trace:"com.example.Main.run"')).body.hits), [2]);
      assert.deepEqual(ns((await q('message:KeyError')).body.hits), [], 'message alone has no KeyError');
      // The CLI goes through the same API.
      const cli = await run(process.execPath, [logshipBin, 'search', `run:"${runId}" AND missing_order_id`, '--from', 'now-1d', '--json'], { env });
      assert.deepEqual(ns(cli.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)), data.traceback);
    });

    test('item 2: loguru text is kept and searchable', async () => {
      const { body } = await get(server.url, '/api/v1/search', { q: `run:"${runId}" AND text:KeyError`, from: 'now-1d' });
      assert.deepEqual(ns(body.hits), [4]);
      assert.match(String(body.hits[0]!.text), /^2026-02-08 12:00:00\.123 \| ERROR .*KeyError: 'missing_order_id'\n$/s);
      assert.equal(body.hits[0]!['level.icon'], '❌');
    });

    test("item 3: the query's own time range is searched, and answers state the range", async () => {
      const before = Date.now();
      // No from/to: the default window (15 minutes) holds only the recent events.
      const window = await get(server.url, '/api/v1/search', { q: `run:"${runId}"` });
      assert.deepEqual(ns(window.body.hits), data.recent.concat().sort((a, b) => a - b));
      const span = Date.parse(window.body.range.to) - Date.parse(window.body.range.from);
      assert.ok(Math.abs(span - 15 * 60_000) < 5_000, `default window ${JSON.stringify(window.body.range)}`);
      // The query's own range: three hours, not three hours ∩ 15 minutes.
      const own = await get(server.url, '/api/v1/search', { q: `run:"${runId}" AND @timestamp:[now-3h TO now]` });
      assert.deepEqual(ns(own.body.hits), [0, 1, 2, 3, 4, 5, 6, 7]);
      assert.ok(Math.abs(Date.parse(own.body.range.from) - (before - 3 * 3_600_000)) < 10_000, JSON.stringify(own.body.range));
      assert.match(own.body.range.from, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      // A request's from/to still wins (and the query is still applied).
      const both = await get(server.url, '/api/v1/search', { q: `run:"${runId}" AND @timestamp:[now-3h TO now]`, from: 'now-2h' });
      assert.deepEqual(ns(both.body.hits), [1, 2, 4, 5]);
      // Under OR the clause does not bound the query: the default window.
      const or = await get(server.url, '/api/v1/search', { q: `run:"${runId}" AND (@timestamp:[now-3h TO now] OR level:error)` });
      assert.deepEqual(ns(or.body.hits), data.recent.concat().sort((a, b) => a - b));
      // Aggregations too.
      const agg = await get(server.url, '/api/v1/aggregate', { q: `run:"${runId}" AND @timestamp:>=now-3h`, type: 'terms', field: 'level' });
      assert.equal(agg.status, 200);
      const counts = Object.fromEntries((agg.body.buckets as { key: string; count: number }[]).map((b) => [b.key, b.count]));
      assert.deepEqual(counts, { error: 5, info: 3 });
      assert.ok(agg.body.range && Date.parse(agg.body.range.from) < before - 2 * 3_600_000);
      // The CLI: its own default (1 hour) only when the query has no range.
      const cliOwn = await run(process.execPath, [logshipBin, 'search', `run:"${runId}" AND @timestamp:[now-3h TO now]`, '--json'], { env });
      assert.equal(cliOwn.stdout.trim().split('\n').length, 8);
      const cliDefault = await run(process.execPath, [logshipBin, 'search', `run:"${runId}"`, '--json'], { env });
      assert.deepEqual(ns(cliDefault.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)), [1, 2, 4, 5]);
      const count = await run(process.execPath, [logshipBin, 'count', `run:"${runId}" AND @timestamp:[now-3h TO now]`], { env });
      assert.equal(count.stdout.trim(), '8');
    });

    test('item 5: the CLI says why nothing was found, and when it shows a part', async () => {
      const none = await run(process.execPath, [logshipBin, 'search', `run:"${runId}" AND levle:error`, '--from', 'now-1d'], { env }).catch(
        (e: { code: number; stderr: string }) => e,
      );
      assert.equal((none as { code?: number }).code, 1);
      const stderr = (none as { stderr: string }).stderr;
      assert.match(stderr, /no events match "run:.* AND levle:error" between \d{4}-\d\d-\d\dT.*Z and .*Z/);
      assert.match(stderr, /field "levle" occurs in no event .*; did you mean "level"\?/);
      const typoFree = await run(process.execPath, [logshipBin, 'search', `run:"${runId}" AND level:critical`, '--from', 'now-1d'], { env }).catch(
        (e: { code: number; stderr: string }) => e,
      );
      assert.doesNotMatch((typoFree as { stderr: string }).stderr, /occurs in no event/, 'a known field is not reported');
      // A range with no event at all: not every field of the query "in no event" (read as a wrong name), but that, and when the newest is.
      const emptyRange = await run(process.execPath, [logshipBin, 'search', `run:"${runId}" AND level:error`, '--from', '2001-01-01', '--to', '2001-01-02'], { env }).catch(
        (e: { code: number; stderr: string }) => e,
      );
      assert.equal((emptyRange as { code?: number }).code, 1);
      assert.match((emptyRange as { stderr: string }).stderr,
        /\nno event at all is in that range, whatever the query; the newest event is from (\d{4}-\d\d-\d\dT[\d:.]+Z) \(--to \1 searches the hour up to it\)\n$/);
      assert.doesNotMatch((emptyRange as { stderr: string }).stderr, /occurs in no event/);
      const part = await run(process.execPath, [logshipBin, 'search', `run:"${runId}"`, '--from', 'now-1d', '--limit', '2'], { env });
      assert.equal(part.stdout.trim().split('\n').length, 2);
      assert.match(part.stderr, /showing 2 of 9 \(--limit N for more\)/);
      const whole = await run(process.execPath, [logshipBin, 'search', `run:"${runId}"`, '--from', 'now-1d', '--limit', '9'], { env });
      assert.doesNotMatch(whole.stderr, /showing/);
      // A comparison with a non-number is a 400 with the position of the value, not a silent string range.
      const bad = await get(server.url, '/api/v1/search', { q: 'duration_ms:>abc' });
      assert.equal(bad.status, 400);
      const error = (bad.body as unknown as { error: { code: string; offset: number; caret: string } }).error;
      assert.equal(error.code, 'LS_QUERY_INVALID_VALUE');
      assert.equal(error.offset, 13);
      assert.match(error.caret, /duration_ms:>abc\n {13}\^/);
      const cliBad = await run(process.execPath, [logshipBin, 'search', 'duration_ms:>abc'], { env }).catch((e: { code: number; stderr: string }) => e);
      assert.equal((cliBad as { code?: number }).code, 2);
      assert.match((cliBad as { stderr: string }).stderr, /LS_QUERY_INVALID_VALUE.*not a number/);
    });

    test('text copied from a trace: Main.java:7 is said to be searched in quotes, Main.java:7:12 is refused with that advice at the colon', async () => {
      type Ran = { code?: number; stdout: string; stderr: string };
      const cli = (q: string): Promise<Ran> => run(process.execPath, [logshipBin, 'search', q, '--from', 'now-1d', '--json'], { env }).catch((e: Ran) => e);
      // Unquoted, a field clause (field "Main.java" holding 7): nothing, and the stderr says what finds it.
      const unquoted = await cli(`run:"${runId}" AND Main.java:7`);
      assert.equal(unquoted.code, 1);
      assert.match(unquoted.stderr, /\nfield "Main\.java" occurs in no event between \S+ and \S+; "Main\.java:7" \(in quotes\) searches the text\n/);
      // The advice is true on this store: the ECS event's stack trace holds the frame.
      const quoted = await cli(`run:"${runId}" AND "Main.java:7"`);
      assert.equal(quoted.code ?? 0, 0, quoted.stderr);
      assert.deepEqual(ns(quoted.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)), [2]);
      // A field no event has that reads as a field name: no such advice.
      assert.doesNotMatch((await cli(`run:"${runId}" AND levle:error`)).stderr, /in quotes/);
      // Line and column: a syntax error at the second colon, with the phrase to write.
      const bad = await get(server.url, '/api/v1/search', { q: 'Main.java:7:12' });
      assert.equal(bad.status, 400);
      const error = (bad.body as unknown as { error: { code: string; offset: number; message: string } }).error;
      assert.equal(error.code, 'LS_QUERY_SYNTAX');
      assert.equal(error.offset, 11);
      assert.match(error.message, /to search text holding colons, put it in quotes: "Main\.java:7:12"/);
      const cliBad = await cli('Main.java:7:12');
      assert.equal(cliBad.code, 2);
      assert.match(cliBad.stderr, /put it in quotes: "Main\.java:7:12"/);
    });

    test('the CLI names a value that differs only in case: values are case-sensitive, level only is not (method:get found nothing where events hold GET)', async () => {
      type Ran = { code?: number; stdout: string; stderr: string };
      const cli = (q: string): Promise<Ran> => run(process.execPath, [logshipBin, 'search', q, '--from', 'now-1d'], { env }).catch((e: Ran) => e);
      const wrong = await cli(`run:"${runId}" AND logger:Django.Request`);
      assert.equal(wrong.code, 1);
      assert.match(wrong.stderr, /\nno event has logger "Django\.Request"; "django\.request" differs only in case \(values are case-sensitive\): logger:django\.request\n/);
      assert.doesNotMatch(wrong.stderr, /no event has run/, 'a value events hold as written is not reported');
      // The value is there as written: another clause found nothing, and no case is blamed.
      const other = await cli(`run:"${runId}" AND logger:django.request AND n:99`);
      assert.equal(other.code, 1);
      assert.doesNotMatch(other.stderr, /differs only in case/);
      // Under NOT a value no event has excludes nothing; and message is matched whatever the case.
      assert.doesNotMatch((await cli(`run:"${runId}" AND NOT logger:DJANGO.REQUEST AND n:99`)).stderr, /differs only in case/);
      assert.doesNotMatch((await cli(`run:"${runId}" AND message:"INTERNAL SERVER" AND n:99`)).stderr, /differs only in case/);
    });

    test('a value pasted as free text that events hold in a field of their own (an IP, a request id): the CLI names the field and the query that finds it', async () => {
      type Ran = { code?: number; stdout: string; stderr: string };
      const cli = (args: string[]): Promise<Ran> => run(process.execPath, [logshipBin, ...args, '--from', 'now-1h'], { env }).catch((e: Ran) => e);
      // Their own run: the other tests count this suite's events.
      const addr = `${runId}-addr`;
      const now = Date.now();
      const access = (i: number, ip: string) => JSON.stringify({ '@timestamp': new Date(now - (i + 1) * 60_000).toISOString(), level: 'info', message: 'GET /api/orders 200', remote_addr: ip, reqId: `req-91888${i}`, run: addr });
      assert.equal((await ingest(server.url, [access(0, '203.0.113.250'), access(1, '203.0.113.250'), access(2, '203.0.113.250'), access(3, '198.51.100.7')])).stored, 4);
      // Free text searches message and the traceback fields only, as VictoriaLogs' _msg; Kibana's KQL would have found it anywhere.
      const ip = await cli(['search', `run:"${addr}" AND 203.0.113.250`]);
      assert.equal(ip.code, 1);
      assert.match(ip.stderr, new RegExp(`\\n"203\\.0\\.113\\.250" is not in the text fields \\(message, …\\) that free text searches; it is the value of remote_addr in 3 events: run:"${addr}" AND remote_addr:"203\\.0\\.113\\.250"\\n$`));
      // The query said finds them.
      const found = await cli(['search', `run:"${addr}" AND remote_addr:"203.0.113.250"`, '--json']);
      assert.equal(found.code ?? 0, 0, found.stderr);
      assert.equal(found.stdout.trim().split('\n').length, 3);
      const req = await cli(['count', `run:"${addr}" AND req-918883`]);
      assert.equal(req.code, 1);
      assert.match(req.stderr, /\n"req-918883" is not in the text fields .*; it is the value of reqId in 1 event: run:".*" AND reqId:"req-918883"\n$/);
      // A value in no field, and field clauses only: nothing more is said.
      assert.doesNotMatch((await cli(['search', `run:"${addr}" AND 192.0.2.1`])).stderr, /is not in the text fields/);
      assert.doesNotMatch((await cli(['search', `run:"${addr}" AND remote_addr:192.0.2.1`])).stderr, /is not in the text fields/);
    });

    test('a bare value a keyword field holds in another case is found, and two bare values are said in one sentence', async () => {
      type Ran = { code?: number; stdout: string; stderr: string };
      const cli = (args: string[]): Promise<Ran> => run(process.execPath, [logshipBin, ...args, '--from', 'now-1h'], { env }).catch((e: Ran) => e);
      const svc = `${runId}-svc`;
      const now = Date.now();
      const line = (i: number) => JSON.stringify({ '@timestamp': new Date(now - (i + 1) * 60_000).toISOString(), level: 'info', message: 'paid', service: 'checkout', reqId: `rq-7${i}`, remote_addr: '192.0.2.44', run: svc });
      assert.equal((await ingest(server.url, [line(0), line(1)])).stored, 2);
      // Keyword values are exact: service:Checkout finds nothing, as the bare value did.
      const cased = await cli(['search', `run:"${svc}" AND Checkout`]);
      assert.equal(cased.code, 1);
      assert.match(cased.stderr, new RegExp(`\\n"Checkout" is not in the text fields \\(message, …\\) that free text searches; it is the value of service in 2 events as "checkout" \\(values are case-sensitive\\): run:"${svc}" AND service:"checkout"\\n$`));
      const found = await cli(['count', `run:"${svc}" AND service:"checkout"`]);
      assert.equal(found.stdout.trim(), '2', found.stderr);
      // Two bare values, each in a field of its own: one sentence, one query.
      const two = await cli(['search', `run:"${svc}" AND 192.0.2.44 AND rq-70`]);
      assert.equal(two.code, 1);
      assert.equal(two.stderr.match(/not in the text fields/g)?.length, 1, two.stderr);
      assert.match(two.stderr, new RegExp(`\\n"192\\.0\\.2\\.44" and "rq-70" are not in the text fields \\(message, …\\) that free text searches; "192\\.0\\.2\\.44" is the value of remote_addr in 1 event, "rq-70" the value of reqId in 1 event: run:"${svc}" AND remote_addr:"192\\.0\\.2\\.44" AND reqId:"rq-70"\\n$`));
    });

    test('count, top and stats say why they found nothing, as search does (they printed a bare 0 or an empty table)', async () => {
      type Ran = { code?: number; stdout: string; stderr: string };
      const cli = (args: string[]): Promise<Ran> =>
        run(process.execPath, [logshipBin, ...args, '--from', 'now-1d'], { env }).catch((e: Ran) => e);
      const count = await cli(['count', `run:"${runId}" AND levle:error`]);
      assert.equal(count.code, 1);
      assert.equal(count.stdout.trim(), '0');
      assert.match(count.stderr, /no events match "run:.* AND levle:error" between .*Z\nfield "levle" occurs in no event .*; did you mean "level"\?/);
      assert.match((await cli(['count', `run:"${runId}" and level:error`])).stderr, /"and" was searched as a word: operators are upper-case \(AND\)/);
      const top = await cli(['top', 'levle', `run:"${runId}"`]);
      assert.equal(top.code, 1);
      assert.match(top.stderr, /field "levle" occurs in no event .*; did you mean "level"\?/);
      assert.match((await cli(['top', 'host', `run:"${runId}" AND levle:error`])).stderr, /no events match .*\n.*did you mean "level"\?/);
      const stats = await cli(['stats', 'n', `run:"${runId}"`, '--by', 'levle']);
      assert.equal(stats.code, 1);
      assert.match(stats.stderr, /field "levle" occurs in no event .*; did you mean "level"\?/);
      // Found: nothing more on stderr.
      assert.equal((await cli(['count', `run:"${runId}"`])).stderr, '');
    });

    test('item 9: aggregation errors are coded 400s that list what is allowed', async () => {
      const agg = (params: Record<string, string>) => get(server.url, '/api/v1/aggregate', { q: `run:"${runId}"`, from: 'now-1d', ...params });
      const wrongType = await agg({ type: 'histogram' });
      assert.equal(wrongType.status, 400);
      const e1 = (wrongType.body as unknown as { error: { code: string; message: string; allowed: string[] } }).error;
      assert.equal(e1.code, 'LS_API_BAD_AGGREGATION');
      assert.deepEqual(e1.allowed, ['terms', 'date_histogram', 'stats', 'percentiles']);
      assert.match(e1.message, /"histogram" is not an aggregation type; use one of terms, date_histogram, stats, percentiles/);
      const onText = await agg({ type: 'percentiles', field: 'message' });
      assert.equal(onText.status, 400);
      assert.match((onText.body as unknown as { error: { message: string } }).error.message, /percentiles needs a number field: "message" is a text field/);
      const onStrings = await agg({ type: 'stats', field: 'logger' });
      assert.equal(onStrings.status, 400);
      const e3 = (onStrings.body as unknown as { error: { code: string; message: string; field: string } }).error;
      assert.equal(e3.code, 'LS_API_BAD_AGGREGATION');
      assert.match(e3.message, /stats needs a number field: "logger" has \d+ values in the range and none is a number/);
      const fine = await agg({ type: 'stats', field: 'n' });
      assert.equal(fine.status, 200);
      assert.equal(fine.body.count, 9);
      const absent = await agg({ type: 'stats', field: 'no_such_field' });
      assert.equal(absent.status, 200, 'a field no event has is an empty answer, not an error');
      assert.equal(absent.body.count, 0);
    });
  });
}

suite('sqlite', () => undefined, false);
suite(
  'elasticsearch',
  () => `store: { type: elasticsearch, url: "${ES_URL}", index_prefix: answers-elasticsearch-${process.pid}, replicas: 0 }\n`,
  !ES_URL,
);

/** search.text_fields replaces the list: through the writer and reader threads (SQLite) and the index (Elasticsearch). */
function configuredSuite(name: string, store: () => string, skip: boolean): void {
  describe(`search.text_fields configured (${name})`, { skip }, () => {
    let root: string;
    let server: ServerHandle;
    const runId = `text-fields-${name}-${process.pid}`;

    before(async () => {
      root = await tempDir('logship-text-fields-');
      server = await startServer({ dataDir: join(root, 'data'), configYaml: `${store()}search: { text_fields: [my.trace] }\n` });
      const now = Date.now();
      const lines = [
        { time: new Date(now - 1000).toISOString(), level: 'error', msg: 'custom', my: { trace: 'KeyError: missing_order_id' }, run: runId, n: 0 },
        { time: new Date(now - 2000).toISOString(), level: 'error', msg: 'python', exc_info: TRACE('missing_order_id'), run: runId, n: 1 },
        { time: new Date(now - 3000).toISOString(), level: 'error', msg: 'KeyError in message', run: runId, n: 2 },
      ].map((o) => JSON.stringify(o));
      assert.equal((await ingest(server.url, lines)).stored, 3);
    });

    after(async () => {
      await stopAll();
      if (name === 'elasticsearch') {
        await fetch(`${ES_URL}/${runId}-*`, { method: 'DELETE' }).catch(() => {});
        await fetch(`${ES_URL}/_index_template/${runId}-logship`, { method: 'DELETE' }).catch(() => {});
      }
      await removeDir(root);
    });

    test('free text searches message and the configured fields only', async () => {
      const q = async (text: string) => ns((await get(server.url, '/api/v1/search', { q: `run:"${runId}" AND (${text})`, from: 'now-1h' })).body.hits);
      assert.deepEqual(await q('KeyError'), [0, 2]);
      assert.deepEqual(await q('my.trace:missing_order_id'), [0]);
      // exc_info is a keyword field here: exact values only.
      assert.deepEqual(await q('exc_info:KeyError'), []);
      assert.deepEqual(await q('"missing_order_id"'), [0]);
    });
  });
}

configuredSuite('sqlite', () => '', false);
configuredSuite('elasticsearch', () => `store: { type: elasticsearch, url: "${ES_URL}", index_prefix: text-fields-elasticsearch-${process.pid}, replicas: 0 }\n`, !ES_URL);

