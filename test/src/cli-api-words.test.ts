/**
 * What a user coming from Kibana, Grafana or Loki reads when the query API
 * or `logship search` refuses, or finds nothing: a real server over HTTP
 * and the real CLI process. Each test names what it said before.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { ingest, logshipBin, removeDir, startServer, stopAll, tempDir, type ServerHandle } from './harness.js';

const run = promisify(execFile);
type Ran = { code?: number; stdout: string; stderr: string };

describe('the query API\'s and the CLI\'s words', { timeout: 120_000 }, () => {
  let root: string;
  let server: ServerHandle;
  let env: NodeJS.ProcessEnv;
  const cli = (...args: string[]): Promise<Ran> =>
    run(process.execPath, [logshipBin, 'search', ...args], { env }).then((r) => ({ ...r, code: 0 }), (e: Ran) => e);
  const get = async (path: string): Promise<{ status: number; body: { error?: Record<string, unknown>; hits?: Record<string, unknown>[] } }> => {
    const res = await fetch(`${server.url}${path}`);
    return { status: res.status, body: await res.json() as { error?: Record<string, unknown> } };
  };

  before(async () => {
    root = await tempDir('cli-api-words-');
    server = await startServer({ dataDir: join(root, 'data') });
    const now = Date.now();
    const at = (i: number) => new Date(now - (i + 1) * 10_000).toISOString();
    await ingest(server.url, [
      JSON.stringify({ '@timestamp': at(0), level: 'error', host: 'web-1', message: 'login failed for alice', logger: 'django.security' }),
      JSON.stringify({ '@timestamp': at(1), level: 'info', host: 'web-1', message: 'GET /index.html 200', source: join(root, 'demo/logs/nginx-access.log') }),
      JSON.stringify({ '@timestamp': at(2), level: 'info', host: 'web-2', message: 'started', source: 'journald' }),
    ]);
    env = { ...process.env, LOGSHIP_URL: server.url, NO_COLOR: '1' };
  });
  after(async () => {
    await stopAll();
    await removeDir(root);
  });

  test('an unknown @name is a bad q: 400 with the nearest saved query, which the CLI prints', async () => {
    // Before: 404, and the CLI's "error 404 [LS_API_UNKNOWN_SAVED_QUERY]: no saved query named "eror"" with no suggestion.
    const api = await get('/api/v1/search?q=%40eror');
    assert.equal(api.status, 400);
    assert.equal(api.body.error!.code, 'LS_API_UNKNOWN_SAVED_QUERY');
    assert.equal(api.body.error!.param, 'q');
    assert.equal(api.body.error!.did_you_mean, '@errors');
    const far = await get('/api/v1/search?q=%40nosuch');
    assert.equal(far.status, 400);
    assert.equal(far.body.error!.did_you_mean, undefined, 'no name is near "nosuch"');
    // The route's path names a saved query: one that is not there is not found.
    const route = await get('/api/v1/queries/eror/search');
    assert.equal(route.status, 404);
    assert.equal(route.body.error!.code, 'LS_API_SAVED_QUERY_NOT_FOUND');
    assert.equal(route.body.error!.did_you_mean, '@errors');
    const ran = await cli('@eror');
    assert.equal(ran.code, 2);
    assert.equal(ran.stderr, 'error 400 [LS_API_UNKNOWN_SAVED_QUERY]: no saved query named "eror"; did you mean @errors?\n');
  });

  test('a parameter its schema refuses is said in words and named in param, on every route', async () => {
    // Before: "querystring/sort must be equal to one of the allowed values: desc, asc", no param.
    const sort = await get('/api/v1/search?sort=sideways');
    assert.equal(sort.status, 400);
    assert.deepEqual(sort.body.error, { code: 'LS_API_BAD_REQUEST', message: 'sort is desc or asc, not "sideways"', param: 'sort', value: 'sideways' });
    // README: sort takes any case.
    const upper = await get('/api/v1/search?sort=DESC&from=now-1h');
    assert.equal(upper.status, 200);
    assert.equal(upper.body.hits!.length, 3);
    // Before: "querystring must have required property 'ts'", no param.
    const ts = await get('/api/v1/context?id=x');
    assert.equal(ts.status, 400);
    assert.equal(ts.body.error!.param, 'ts');
    assert.match(String(ts.body.error!.message), /^ts is required: the anchor's @timestamp/);
    const empty = await get('/api/v1/context?id=&ts=now');
    assert.equal(empty.body.error!.param, 'id');
    assert.match(String(empty.body.error!.message), /^id is empty/);
    // A misspelt parameter: named, with the nearest the route takes.
    const misspelt = await get('/api/v1/search?sotr=asc');
    assert.equal(misspelt.body.error!.param, 'sotr');
    assert.match(String(misspelt.body.error!.message), /does not take: "sotr" \(it takes q, from, to, limit, sort, fields, cursor\); did you mean "sort"\?$/);
    // A body's type: its words, not ajv's "body/from must be string, body/from must be number".
    const res = await fetch(`${server.url}/api/v1/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: true }) });
    const body = await res.json() as { error: Record<string, unknown> };
    assert.equal(res.status, 400);
    assert.equal(body.error.param, 'from');
    assert.equal(body.error.message, 'from must be a string or a number, not true');
    for (const e of [sort, ts, empty, misspelt].map((r) => r.body.error!)) {
      assert.doesNotMatch(String(e.message), /querystring\/|must have required property|must be equal to one of/, String(e.message));
    }
  });

  test('the CLI shows a file source by its name, as the page does', async () => {
    // Before: "… web-1 /tmp/…/demo/logs/nginx-access.log  GET /index.html 200".
    const ran = await cli('--from', 'now-1h', 'index.html');
    assert.equal(ran.code, 0, ran.stderr);
    assert.match(ran.stdout, / INFO +web-1 nginx-access\.log {2}GET \/index\.html 200\n$/);
    assert.doesNotMatch(ran.stdout, /demo\/logs/);
    const journald = await cli('--from', 'now-1h', 'started');
    assert.match(journald.stdout, / web-2 journald {2}started\n$/);
  });

  test('a regex on a text field that spans words: the empty answer says regexes match one word, and the phrase to write', async () => {
    // Before: "no events match …" alone, exit 1.
    const ran = await cli('--from', 'now-1h', 'message:/.*login failed.*/');
    assert.equal(ran.code, 1);
    assert.match(ran.stderr, /message:\/\.\*login failed\.\*\/ spans words, and a regex on a text field \(message\) matches one word at a time .*write a phrase: message:"login failed"\n/);
    const phrase = await cli('--from', 'now-1h', 'message:"login failed"');
    assert.equal(phrase.code, 0, 'the phrase it suggests finds the event');
    // A regex within one word is no such mistake: no hint.
    const word = await cli('--from', 'now-1h', 'message:/.*logn.*/');
    assert.equal(word.code, 1);
    assert.doesNotMatch(word.stderr, /one word at a time/);
  });
});
