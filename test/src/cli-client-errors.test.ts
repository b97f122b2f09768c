/**
 * The query CLI's exit status and words as a script sees them, through the
 * real `logship` binary and a real `logship serve` with tokens: a server
 * that refused the query (401, 403) exits 3 with the server's code and the
 * token to pass; a server that cannot be reached exits 4 with
 * LS_CLIENT_UNREACHABLE. Before, both were exit 3 and the second was
 * uncoded.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort, removeDir, runLogship, startServer, stopAll, tempDir, type ServerHandle } from './harness.js';

const READ = 'cli-read-token-0123456789';
const WRITE = 'cli-write-token-0123456789';

describe('logship search/count against a server with tokens, and none', () => {
  let root: string;
  let server: ServerHandle;

  before(async () => {
    root = await tempDir('logship-cli-errors-');
    server = await startServer({
      dataDir: join(root, 'data'),
      configYaml: ['auth:', '  tokens:', `    - { name: reader, token: ${READ}, scopes: [read] }`, `    - { name: writer, token: ${WRITE}, scopes: [write] }`, ''].join('\n'),
    });
  });

  after(async () => {
    await stopAll();
    await removeDir(root);
  });

  test('401 and 403: exit 3, the server\'s code, and which --token to pass', async () => {
    const none = await runLogship(['search', 'x', '--server', server.url]);
    assert.equal(none.code, 3, none.stderr);
    assert.match(none.stderr, /^error 401 \[LS_AUTH_MISSING_TOKEN\]: .*; pass --token TOKEN \(or set LOGSHIP_TOKEN\), a token with the read scope\n$/);
    const unknown = await runLogship(['count', '--server', server.url, '--token', 'not-a-token']);
    assert.equal(unknown.code, 3, unknown.stderr);
    assert.match(unknown.stderr, /^error 401 \[LS_AUTH_INVALID_TOKEN\]: the token is not known; the server does not know the token of --token \(or LOGSHIP_TOKEN\); check it against auth\.tokens\n$/);
    const writer = await runLogship(['top', 'host', '--server', server.url, '--token', WRITE]);
    assert.equal(writer.code, 3, writer.stderr);
    assert.match(writer.stderr, /^error 403 \[LS_AUTH_FORBIDDEN_SCOPE\]: .*; use a token with the read scope in --token \(or LOGSHIP_TOKEN\)\n$/);
    const reader = await runLogship(['count', '--server', server.url, '--token', READ]);
    assert.equal(reader.code, 1, reader.stderr);
  });

  test('nothing listening: exit 4 and LS_CLIENT_UNREACHABLE, told apart from the refusal above', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    for (const command of [['search', 'x'], ['count'], ['top', 'host'], ['stats', 'duration_ms']]) {
      const run = await runLogship([...command, '--server', url, '--token', READ]);
      assert.equal(run.code, 4, `${command.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, /^error \[LS_CLIENT_UNREACHABLE\]: cannot reach the logship server at http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED, nothing listens at 127\.0\.0\.1:\d+; is `logship serve` running there\? Set --server or LOGSHIP_URL\n$/, command.join(' '));
    }
  });
});
