/**
 * The helpers that start Alertmanager, Prometheus and nginx hand back the
 * process they started on its port, never another one listening there:
 * /-/ready or a plain 200 was answered by whatever held the port, and with
 * files run at once that could be another file's tool. A port the test chose
 * is an error when taken; a picked one is picked again.
 */
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { freePort, removeDir, stopAll, tempDir } from './harness.js';
import { listensOn } from './listening.js';
import { NGINX, startNginx } from './nginx-support.js';
import { missingPrometheusTools, startAlertmanager } from './prometheus-support.js';

after(stopAll);

/** Another process's listener on a free port, answering 200 "ok" to everything, as a ready tool would. */
async function impostor(): Promise<{ port: number; close: () => Promise<void> }> {
  const port = await freePort();
  const srv = createServer((_req, res) => res.writeHead(200).end('ok\n'));
  await new Promise<void>((r) => srv.listen(port, '127.0.0.1', r));
  return { port, close: () => new Promise<void>((r) => srv.close(() => r())) };
}

test('Alertmanager on a port another process holds is an error, not the other one\'s /-/ready', { skip: missingPrometheusTools() }, async () => {
  const root = await tempDir('logship-start-tools-');
  const other = await impostor();
  try {
    await assert.rejects(startAlertmanager(join(root, 'taken'), other.port), /Alertmanager exited with 1[\s\S]*bind: address already in use/);
    const am = await startAlertmanager(join(root, 'free'));
    assert.equal(listensOn(am.proc.pid!, Number(new URL(am.url).port)), true, 'the Alertmanager handed back holds its port');
    await am.stop();
  } finally {
    await other.close();
    await removeDir(root);
  }
});

test('nginx on a port another process holds is an error; on a free one it answers its own probe', { skip: !NGINX && 'nginx is not installed' }, async () => {
  const root = await tempDir('logship-start-tools-');
  const other = await impostor();
  const conf = (dir: string) => (port: number, probe: string): string => `daemon off;
master_process on;
user root;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 16; }
http {
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  access_log off;
  server { listen 127.0.0.1:${port}; location = /__probe { return 200 "${probe}"; } }
}
`;
  try {
    for (const d of ['taken', 'free']) await mkdir(join(root, d));
    await assert.rejects(startNginx(join(root, 'taken'), conf(join(root, 'taken')), other.port), new RegExp(`nginx on http://127\\.0\\.0\\.1:${other.port} found the port taken`));
    const nginx = await startNginx(join(root, 'free'), conf(join(root, 'free')));
    assert.equal(listensOn(nginx.proc.pid!, nginx.port), true, 'the nginx handed back holds its port');
    assert.equal(await nginx.stop('SIGQUIT'), 0);
  } finally {
    await other.close();
    await removeDir(root);
  }
});
