/**
 * A token written as `${ENV}` in server.yaml, the way the systemd unit's
 * EnvironmentFile (/etc/logship/server.env) is meant to be used. SIGHUP
 * re-reads the file with the process's environment, which no one outside
 * can change: the server must say a new value there waits for a restart,
 * not answer the reload with "no other change".
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { startServer, stopAll, waitFor } from './harness.js';

after(stopAll);

const TOKEN = 'env-token-0123456789abcdef';

test('SIGHUP with a ${ENV} token: the log says the environment is read at start only (restart to rotate it there); the token keeps working', async () => {
  const s = await startServer({
    configYaml: 'auth:\n  tokens:\n    - { name: ops, token: "${LOGSHIP_E2E_TOKEN}", scopes: [read, write] }\n',
    env: { LOGSHIP_E2E_TOKEN: TOKEN },
  });
  // The SIGHUP handler is in place once this line is out (serve-command.ts).
  await waitFor(() => s.output().includes('logship listening on'), { what: 'the listening line' });
  const logged = (): { level: number; msg: string; env?: string[] }[] =>
    s.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { level: number; msg: string; env?: string[] }).filter((l) => l.msg.startsWith('Received SIGHUP'));
  s.proc.kill('SIGHUP');
  // The reload's last line: what it said before it is complete.
  await waitFor(() => logged().some((l) => /has no other change/.test(l.msg)), { what: 'the SIGHUP lines' });
  const envLine = logged().find((l) => l.level === 40 && l.env !== undefined);
  assert.ok(envLine, JSON.stringify(logged()));
  assert.deepEqual(envLine.env, ['LOGSHIP_E2E_TOKEN']);
  assert.match(envLine.msg, /auth\.tokens\[0\]\.token is \$\{LOGSHIP_E2E_TOKEN\}: the environment of a running process cannot change, so a new value there .* takes effect at the next restart/);
  assert.ok(!s.output().includes(TOKEN), 'the token is never logged');
  const res = await fetch(`${s.url}/api/v1/search?q=*`, { headers: { authorization: `Bearer ${TOKEN}` } });
  assert.equal(res.status, 200);
});
