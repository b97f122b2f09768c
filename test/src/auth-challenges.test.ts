/**
 * The challenges of a 401, through a real `logship serve` with tokens: it
 * answered `WWW-Authenticate: Bearer` alone, though Basic and ApiKey are
 * taken too, so a client that waits to be asked (curl --anyauth, an HTTP
 * client without pre-emptive auth) never sent the Basic credentials it
 * had. Now each scheme a route takes is named, a header field each (read
 * raw, not joined), Basic on the write routes only: the read routes are the
 * search page's, where a browser would answer Basic with its login dialog.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { removeDir, startServer, stopAll, tempDir, type ServerHandle } from './harness.js';

const WRITE = 'challenge-write-token-0123456789';
const READ = 'challenge-read-token-01234567890';
const BASIC = 'Basic realm="logship", charset="UTF-8"';

interface Answer {
  status: number;
  /** Each WWW-Authenticate field as sent, in order. */
  challenges: string[];
}

/** A request over node:http, whose rawHeaders keep repeated fields apart (fetch joins them). */
function send(url: string, method: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      res.resume();
      res.on('end', () => {
        const challenges: string[] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          if (res.rawHeaders[i]!.toLowerCase() === 'www-authenticate') challenges.push(res.rawHeaders[i + 1]!);
        }
        resolve({ status: res.statusCode ?? 0, challenges });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const basic = (token: string): string => `Basic ${Buffer.from(`logship:${token}`).toString('base64')}`;

describe('a 401 names every scheme the route takes', () => {
  let root: string;
  let server: ServerHandle;

  before(async () => {
    root = await tempDir('logship-auth-challenges-');
    server = await startServer({
      dataDir: join(root, 'data'),
      configYaml: [
        'auth:',
        '  tokens:',
        `    - { name: agents, token: ${WRITE}, scopes: [write] }`,
        `    - { name: grafana, token: ${READ}, scopes: [read] }`,
        '',
      ].join('\n'),
    });
  });

  after(async () => {
    await stopAll();
    await removeDir(root);
  });

  test('write routes (native, Loki, Elasticsearch, OTLP) offer Bearer, Basic and ApiKey', async () => {
    const ndjson = { 'content-type': 'application/x-ndjson' };
    const writes: Array<[string, string, Record<string, string>, string | undefined]> = [
      ['POST', '/api/v1/ingest', ndjson, '{"message":"a"}\n'],
      ['POST', '/loki/api/v1/push', { 'content-type': 'application/json' }, '{"streams":[]}'],
      ['POST', '/es/_bulk', ndjson, '{"index":{}}\n{"message":"a"}\n'],
      ['GET', '/es/', {}, undefined],
      ['POST', '/v1/logs', { 'content-type': 'application/json' }, '{"resourceLogs":[]}'],
    ];
    for (const [method, path, headers, body] of writes) {
      const none = await send(server.url + path, method, headers, body);
      assert.equal(none.status, 401, `${method} ${path}`);
      assert.deepEqual(none.challenges, ['Bearer', BASIC, 'ApiKey'], `${method} ${path} without a token`);
      const unknown = await send(server.url + path, method, { ...headers, authorization: basic('not-a-token-of-this-server') }, body);
      assert.equal(unknown.status, 401, `${method} ${path}`);
      assert.deepEqual(unknown.challenges, ['Bearer error="invalid_token"', BASIC, 'ApiKey'], `${method} ${path} with an unknown token`);
    }
    // What is offered works: the token as Basic's password.
    const ok = await send(`${server.url}/api/v1/ingest`, 'POST', { ...ndjson, authorization: basic(WRITE) }, '{"message":"b"}\n');
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.challenges, []);
  });

  test("read routes, the page's, offer Bearer and ApiKey: no Basic for a browser to pop a dialog on", async () => {
    for (const path of ['/api/v1/search?q=*', '/api/v1/fields', '/api/v1/queries']) {
      const none = await send(server.url + path, 'GET');
      assert.equal(none.status, 401, path);
      assert.deepEqual(none.challenges, ['Bearer', 'ApiKey'], path);
      const unknown = await send(server.url + path, 'GET', { authorization: 'Bearer not-a-token-of-this-server' });
      assert.deepEqual(unknown.challenges, ['Bearer error="invalid_token"', 'ApiKey'], path);
    }
    // Basic is still taken when sent.
    assert.equal((await send(`${server.url}/api/v1/search?q=*`, 'GET', { authorization: basic(READ) })).status, 200);
    // The page itself asks for nothing.
    const page = await send(`${server.url}/`, 'GET');
    assert.equal(page.status, 200);
    assert.deepEqual(page.challenges, []);
  });
});
