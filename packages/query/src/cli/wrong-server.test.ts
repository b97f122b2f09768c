import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { runSearchCli } from './search.js';
import { EXIT, errorFromBody } from './client.js';
import { queryApiApp, sampleEvents } from '../testing/query-api-app.js';

test('a --server that is not logship: exit 3 and one line saying so, not exit 2 (query error) and its HTML page', async () => {
  // A real HTTP server that is not logship, answering every path as python's http.server does.
  const page = '<!DOCTYPE HTML>\n<html lang="en">\n<head><title>Error response</title></head>\n<body><h1>Error response</h1><p>Error code: 404</p></body>\n</html>\n';
  const server = createServer((_req, res) => res.writeHead(404, { 'content-type': 'text/html' }).end(page));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const written: string[] = [];
  const stderrWrite = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string) => { written.push(String(chunk)); return true; }) as typeof process.stderr.write;
  let status: number;
  try {
    status = await runSearchCli(['level:error', '--server', url], new Writable({ write(_c, _e, done) { done(); } }));
  } finally {
    process.stderr.write = stderrWrite;
    server.close();
  }
  assert.equal(status, EXIT.SERVER);
  const err = written.join('');
  assert.equal(err, `error [LS_CLIENT_NOT_LOGSHIP]: the answer from ${url} is not a logship answer (HTTP 404: <!DOCTYPE HTML>); is --server (or LOGSHIP_URL) a logship server's address?\n`);
});

test('errorFromBody: logship errors keep their code, caret and exit code', () => {
  const e = errorFromBody(400, JSON.stringify({ error: { code: 'LS_QUERY_SYNTAX', message: 'expected term', caret: 'a AND\n     ^' } }));
  assert.equal(e.message, 'error 400 [LS_QUERY_SYNTAX]: expected term\na AND\n     ^');
  assert.equal(e.exitCode, EXIT.USAGE);
  assert.equal(errorFromBody(503, JSON.stringify({ error: { code: 'LS_API_TOO_MANY_QUERIES', message: 'busy' } })).exitCode, EXIT.SERVER);
  assert.equal(errorFromBody(401, JSON.stringify({ error: { code: 'LS_AUTH_MISSING_TOKEN', message: 'token' } })).exitCode, EXIT.SERVER);
  assert.equal(errorFromBody(502, 'Bad Gateway', 'http://logs:7700').message, "error [LS_CLIENT_NOT_LOGSHIP]: the answer from http://logs:7700 is not a logship answer (HTTP 502: Bad Gateway); is --server (or LOGSHIP_URL) a logship server's address?");
});

test('stats --by F --size 500: the refusal of by_size names the flag the user wrote, --size, and its maximum', async () => {
  const { app } = await queryApiApp(sampleEvents());
  const res = await app.inject({ method: 'GET', url: '/api/v1/aggregate?type=stats&field=duration_ms&by=host&by_size=500' });
  const e = errorFromBody(res.statusCode, res.body);
  assert.equal(e.exitCode, EXIT.USAGE);
  assert.match(e.message, /^error 400 \[LS_API_BAD_REQUEST\]: by_size 500 is over 100, .* \(--size 100 at most\)$/);
  // top's size is the flag's own name: said once.
  const top = await app.inject({ method: 'GET', url: '/api/v1/aggregate?type=terms&field=host&size=5000' });
  assert.doesNotMatch(errorFromBody(top.statusCode, top.body).message, /at most\)/);
});
