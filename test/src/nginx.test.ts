/**
 * Real nginx writes json_combined access lines; the real agent's nginx
 * preset ships them; the server recognizes them as nginx access events with
 * numbers coerced and the request split. Skipped (loudly) where nginx is not
 * installed, except under CI=true where scripts/test-deps.sh installs it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  removeDir, repoRoot, search, searchAll, startAgent, startServer, stopAll, tempDir, waitFor,
  type ServerHandle,
} from './harness.js';
import { NGINX, startNginx } from './nginx-support.js';

if (!NGINX && process.env.CI === 'true') throw new Error('CI=true but nginx is not installed (scripts/test-deps.sh installs it)');
if (!NGINX) console.warn('WARNING: nginx not found: the nginx end-to-end test is SKIPPED');

// The log_format docs/AGENT.md gives operators, taken from it as written, so
// a mistake there fails here against the real nginx.
const LOG_FORMAT = /^log_format json_combined escape=json ('\{.*\}');$/m.exec(readFileSync(join(repoRoot, 'docs/AGENT.md'), 'utf8'))?.[1];
if (LOG_FORMAT === undefined) throw new Error('docs/AGENT.md has no `log_format json_combined escape=json \'{…}\';` line');

function nginxConf(dir: string, port: number, probe: string): string {
  return `daemon off;
master_process on;
user root;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 64; }
http {
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  log_format json_combined escape=json ${LOG_FORMAT};
  access_log ${dir}/logs/access.log json_combined;
  access_log ${dir}/logs/combined.log combined;
  server {
    listen 127.0.0.1:${port};
    location = /__probe { return 200 "${probe}"; }
    location = /missing { return 404; }
    location /accounts/login/ { return 401; }
    location / { return 200 "ok\\n"; }
  }
}
`;
}

describe('nginx json_combined → agent nginx preset → search', { skip: !NGINX }, () => {
  let root: string;
  let server: ServerHandle;
  let nginxUrl: string;
  let stopNginx: () => Promise<void>;

  before(async () => {
    root = await tempDir('logship-nginx-');
    await mkdir(join(root, 'nginx', 'logs'), { recursive: true });
    // Its readiness probe (/__probe) is logged too; the test leaves it out of its counts.
    const nginx = await startNginx(join(root, 'nginx'), (port, probe) => nginxConf(join(root, 'nginx'), port, probe));
    nginxUrl = nginx.url;
    stopNginx = async () => {
      await nginx.stop('SIGQUIT');
    };
    server = await startServer({ dataDir: join(root, 'data') });
  });

  after(async () => {
    await stopNginx?.();
    await stopAll();
    await removeDir(root);
  });

  test('access lines arrive as nginx events with numbers, method and path', async () => {
    const yaml = [
      'server:', `  url: ${server.url}`, `data_dir: ${join(root, 'agent')}`, 'host: edge-1', 'sources:',
      '  - type: nginx', `    include: ["${join(root, 'nginx', 'logs', 'access.log')}"]`, '',
    ].join('\n');
    await startAgent(yaml, join(root, 'agent.yaml'));
    for (let i = 0; i < 30; i++) await fetch(`${nginxUrl}/api/orders/${i}`);
    for (let i = 0; i < 10; i++) await fetch(`${nginxUrl}/missing`);
    for (let i = 0; i < 5; i++) await fetch(`${nginxUrl}/accounts/login/`, { method: 'POST', body: 'u=x' });

    const all = await waitFor(async () => {
      const hits = await searchAll(server.url, 'host:edge-1 AND NOT path:"/__probe"');
      return hits.length >= 45 ? hits : undefined;
    }, { timeoutMs: 60_000, what: '45 nginx events' });
    assert.equal(all.length, 45);

    const notFound = await search(server.url, 'status:404', { limit: 100 });
    assert.equal(notFound.hits.length, 10);
    const ev = notFound.hits[0]!;
    assert.equal(ev.status, 404, 'status coerced to a number');
    assert.equal(ev.method, 'GET');
    assert.equal(ev.path, '/missing');
    assert.equal(typeof ev.duration_ms, 'number', 'duration_ms derived from request_time');
    assert.equal(typeof ev.body_bytes_sent, 'number');

    assert.equal((await search(server.url, 'status:>=400', { limit: 100 })).hits.length, 15);
    assert.equal((await search(server.url, 'method:POST AND status:401', { limit: 100 })).hits.length, 5);
    assert.equal((await search(server.url, 'path:/api/orders/*', { limit: 100 })).hits.length, 30);
  });

  test("nginx's default combined format: status, method, path and the request's time are fields too", async () => {
    const yaml = [
      'server:', `  url: ${server.url}`, `data_dir: ${join(root, 'agent-combined')}`, 'host: edge-2', 'metrics: { listen: off }', 'sources:',
      '  - type: nginx', `    include: ["${join(root, 'nginx', 'logs', 'combined.log')}"]`, '',
    ].join('\n');
    await startAgent(yaml, join(root, 'agent-combined.yaml'));
    for (let i = 0; i < 4; i++) await fetch(`${nginxUrl}/combined/${i}?q="x"`, { headers: { 'user-agent': 'probe "quoted"' } });
    for (let i = 0; i < 3; i++) await fetch(`${nginxUrl}/accounts/login/combined`, { method: 'POST', body: 'u=x' });

    const hits = await waitFor(async () => {
      const found = await searchAll(server.url, 'host:edge-2 AND (path:/combined/* OR path:"/accounts/login/combined")');
      return found.length >= 7 ? found : undefined;
    }, { timeoutMs: 60_000, what: '7 combined access events' });
    assert.equal(hits.length, 7);
    const ok = hits.find((h) => h.path === '/combined/0')!;
    assert.equal(ok.status, 200);
    assert.equal(ok.method, 'GET');
    assert.equal(ok.query, 'q=%22x%22');
    assert.equal(ok.http_user_agent, 'probe "quoted"');
    assert.equal(ok.level, 'info');
    assert.equal(ok['logship.no_timestamp'], undefined, "the request's own time");
    assert.match(String(ok.message), /^127\.0\.0\.1 - - \[/);
    assert.equal((await search(server.url, 'host:edge-2 AND method:POST AND status:401 AND path:"/accounts/login/combined"', { limit: 100 })).hits.length, 3);
  });
});
