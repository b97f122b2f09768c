/**
 * The server's own log at its default level (info), as an operator reads it
 * in journald: a request that was answered writes nothing, a refused one
 * (a wrong token) one line saying what was refused. Fastify's default wrote
 * two lines for every request, so each agent's batch doubled the log.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { ingest, startServer, stopAll, waitFor } from './harness.js';
import { WRITE_TOKEN } from './protocol-support.js';

after(async () => {
  await stopAll();
});

test('answered requests write nothing at info; a refused one writes one line with its method, path and status', async () => {
  const server = await startServer({
    configYaml: `log: { level: info }\nauth:\n  tokens:\n    - { name: shippers, token: "${WRITE_TOKEN}", scopes: [write, read] }\n`,
  });
  for (let i = 0; i < 5; i++) await ingest(server.url, [JSON.stringify({ message: `answered ${i}` })], WRITE_TOKEN);
  const refused = await fetch(`${server.url}/api/v1/ingest`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson', authorization: 'Bearer not-the-token' },
    body: '{"message":"refused"}\n',
  });
  assert.equal(refused.status, 401);
  await waitFor(async () => server.output().includes('Request refused.'), { what: 'the refused request logged' });
  const lines = server.output().split('\n').filter((l) => l.includes('"url":"/api/v1/ingest"') || /incoming request|request completed/.test(l));
  assert.equal(lines.length, 1, lines.join('\n'));
  const line = JSON.parse(lines[0]!) as Record<string, unknown>;
  assert.equal(line.msg, 'Request refused.');
  assert.equal(line.method, 'POST');
  assert.equal(line.statusCode, 401);
  assert.equal(line.level, 30);
});
