/**
 * The harness's startServer hands back the server it started, never one
 * already listening on the same port: two files running at once were once
 * given the same free port, and the second file's tests seeded and searched
 * the first's server.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { startServer, stopAll } from './harness.js';

after(stopAll);

test('a server whose port is taken is an error naming EADDRINUSE, not the other server', async () => {
  const first = await startServer();
  await assert.rejects(startServer({ port: first.port }), /server exited with 1:[\s\S]*EADDRINUSE/);
  assert.equal((await fetch(`${first.url}/health`)).status, 200);
});
