/**
 * The per-token rate limit against a real `logship serve` with a fleet
 * sharing one token: hosts at different addresses (127.0.0.2, .3, … on
 * loopback) each have their own bucket (`rate_limit.per: client`, the
 * default), so one host over the limit is answered 429 with Retry-After
 * while the others go on; `per: token` puts the whole fleet in one bucket.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, test } from 'node:test';
import { startServer, stopAll } from './harness.js';

const TOKEN = 'fleet-token-0123456789';

after(async () => {
  await stopAll();
});

/** POSTs one line from `localAddress` with the fleet's token: the status and Retry-After. */
function post(url: string, localAddress: string): Promise<{ status: number; retryAfter: string | undefined }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: hostname, port, localAddress, method: 'POST', path: '/api/v1/ingest', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/x-ndjson' }, agent: false },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] as string | undefined }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ msg: `from ${localAddress}` }) + '\n');
  });
}

const config = (per: string) =>
  [
    'auth:',
    `  tokens: [{ name: fleet, token: "${TOKEN}", scopes: [write] }]`,
    // Three requests at once, then (nearly) no refill during the test.
    `  rate_limit: { requests_per_s: 0.001, burst: 3${per} }`,
  ].join('\n');

test('hosts sharing one token each have their own bucket: one over the limit is throttled, the others are not', async () => {
  const server = await startServer({ configYaml: config('') });
  const statuses = [];
  for (let i = 0; i < 4; i++) statuses.push((await post(server.url, '127.0.0.1')).status);
  assert.deepEqual(statuses, [200, 200, 200, 429]);
  const refused = await post(server.url, '127.0.0.1');
  assert.equal(refused.status, 429);
  assert.equal(refused.retryAfter, '1000');
  for (const host of ['127.0.0.2', '127.0.0.3']) {
    for (let i = 0; i < 3; i++) assert.equal((await post(server.url, host)).status, 200, `${host} request ${i + 1}`);
  }
});

test('rate_limit.per: token puts every host of the token in one bucket', async () => {
  const server = await startServer({ configYaml: config(', per: token') });
  for (let i = 0; i < 3; i++) assert.equal((await post(server.url, `127.0.0.${i + 1}`)).status, 200);
  assert.equal((await post(server.url, '127.0.0.4')).status, 429);
});
