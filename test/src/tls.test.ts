/**
 * TLS end to end, with throwaway CAs made by openssl: logship serve over
 * HTTPS (and mutual TLS), the agent verifying it with a private CA and
 * presenting its own certificate, the CLI over HTTPS, certificates rotated
 * on disk and reloaded with SIGHUP while an agent streams, and what the
 * server refuses at start.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, type TLSSocket } from 'node:tls';
import { Agent, request } from 'node:https';
import { Client, credentials, Metadata, status } from '@grpc/grpc-js';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort, logshipBin, removeDir, repoRoot, sleep, startAgent, stopAll, tempDir, waitFor, type AgentHandle } from './harness.js';
import { agentYaml, assertExactlyOnce, jsonLine, LogWriter, range } from './agent-support.js';
import { httpsText, issue, makeCa, OPENSSL, serveFails, startHttpsServer, type Ca, type HttpsOptions, type Leaf } from './tls-support.js';

const WRITE_TOKEN = 'write-token-0123456789';
const READ_TOKEN = 'read-token-0123456789ab';

/** The seq of every stored event of a run, searched over HTTPS. */
async function seqsOver(url: string, run: string, client: HttpsOptions): Promise<number[]> {
  const seqs: number[] = [];
  let cursor: string | null = null;
  for (;;) {
    const params = new URLSearchParams({ q: `run:${run}`, from: 'now-30d', to: 'now+1d', limit: '10000', fields: 'seq' });
    if (cursor) params.set('cursor', cursor);
    const res = await httpsText(`${url}/api/v1/search?${params}`, client);
    if (res.status !== 200) throw new Error(`search → ${res.status}: ${res.body}`);
    const page = JSON.parse(res.body) as { hits: Array<{ seq?: unknown }>; next_cursor: string | null };
    for (const h of page.hits) seqs.push(Number(h.seq));
    if (!page.next_cursor || page.hits.length === 0) return seqs;
    cursor = page.next_cursor;
  }
}

async function waitForSeqs(url: string, run: string, n: number, client: HttpsOptions): Promise<number[]> {
  return waitFor(async () => {
    const seqs = await seqsOver(url, run, client);
    return seqs.length >= n ? seqs : undefined;
  }, { timeoutMs: 60_000, intervalMs: 300, what: `${n} events of run ${run}` });
}

/** agentYaml with a `tls:` line under `server:` (agentYaml's `extra` goes at the top level). */
function agentTlsYaml(o: Parameters<typeof agentYaml>[0], tls: string): string {
  return agentYaml(o).replace(`  url: ${o.server}\n`, `  url: ${o.server}\n${tls}\n`);
}

async function writeLines(writer: LogWriter, run: string, from: number, to: number): Promise<void> {
  let text = '';
  for (let i = from; i < to; i++) text += jsonLine(i, run) + '\n';
  await writer.write(text);
}

/** The serial number of the certificate a fresh connection is shown. */
function servedSerial(url: string, ca: string): Promise<string> {
  const { hostname, port } = new URL(url.replace(/^tls:/, 'https:'));
  return new Promise((resolve, reject) => {
    const s = connect({ host: hostname, port: Number(port), ca: readFileSync(ca), servername: 'localhost' }, () => {
      resolve(s.getPeerX509Certificate()!.serialNumber);
      s.end();
    });
    s.on('error', reject);
  });
}

/** Runs `logship <args>` (the CLI as users run it); resolves exit code and output. */
function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [logshipBin, ...args], { cwd: repoRoot, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    p.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// The tests run side by side: each starts its own server on its own port
// and folders, and most of their time is waiting on those processes.
describe('TLS: logship serve over HTTPS, mutual TLS, agent and CLI', { skip: !OPENSSL, concurrency: true }, () => {
  let root: string;
  let ca: Ca;
  let otherCa: Ca;
  let server: Leaf;
  let web1: Leaf;
  let stranger: Leaf;

  before(async () => {
    root = await tempDir('logship-tls-');
    ca = makeCa(root, 'test-ca');
    otherCa = makeCa(root, 'other-ca');
    server = issue(ca, 'server', { cn: 'localhost' });
    web1 = issue(ca, 'web-1', { cn: 'web-1', client: true });
    stranger = issue(otherCa, 'stranger', { cn: 'web-1', client: true });
  });

  after(async () => {
    await stopAll();
    await removeDir(root);
  });

  const tlsArgs = (port: number, dataDir: string, extra: string[] = []): string[] => [
    '--listen', `127.0.0.1:${port}`, '--data', dataDir, '--tls-cert-file', server.cert, '--tls-key-file', server.key, ...extra,
  ];

  test('refused at start: an expired certificate, a key of another certificate, an unreadable file, each named', async () => {
    const expired = issue(ca, 'expired', { cn: 'localhost', days: 0 });
    await sleep(1100);
    const port = await freePort();
    const e1 = serveFails(['--listen', `127.0.0.1:${port}`, '--data', join(root, 'refused'), '--tls-cert-file', expired.cert, '--tls-key-file', expired.key]);
    assert.equal(e1.status, 1, e1.output);
    assert.match(e1.output, /LS_TLS_CERT_EXPIRED/);
    assert.ok(e1.output.includes(expired.cert), e1.output);

    const e2 = serveFails(['--listen', `127.0.0.1:${port}`, '--data', join(root, 'refused'), '--tls-cert-file', server.cert, '--tls-key-file', web1.key]);
    assert.equal(e2.status, 1, e2.output);
    assert.match(e2.output, /LS_TLS_KEY_MISMATCH/);
    assert.ok(e2.output.includes(web1.key), e2.output);

    const e3 = serveFails(['--listen', `127.0.0.1:${port}`, '--data', join(root, 'refused'), '--tls-cert-file', join(root, 'nope.pem'), '--tls-key-file', server.key]);
    assert.equal(e3.status, 1, e3.output);
    assert.match(e3.output, /LS_TLS_READ_FAILED/);
    assert.ok(e3.output.includes(join(root, 'nope.pem')), e3.output);
  });

  test('agent → HTTPS with a private CA: every line exactly once through an agent SIGKILL; /metrics has the expiry; a wrong CA or host name ships nothing', async () => {
    const port = await freePort();
    const srv = await startHttpsServer(tlsArgs(port, join(root, 'data-https')), async (url) => (await httpsText(`${url}/health`, { ca: readFileSync(ca.cert) })).status === 200);
    const client = { ca: readFileSync(ca.cert) };
    assert.equal(srv.url, `https://127.0.0.1:${port}`);
    // Plain HTTP on the same port is not served.
    await assert.rejects(fetch(`http://127.0.0.1:${port}/health`));

    const metrics = await httpsText(`${srv.url}/metrics`, client);
    const notAfter = Math.floor(Date.parse(new X509Certificate(readFileSync(server.cert)).validTo) / 1000);
    assert.match(metrics.body, new RegExp(`logship_tls_cert_expiry_timestamp_seconds\\{role="server",file="${server.cert.replace(/[/.]/g, '\\$&')}",subject="CN=localhost"\\} ${notAfter}\\n`));

    // A wrong CA, then a host name the certificate does not carry: reported, retried, nothing shipped.
    const logs = join(root, 'logs-https');
    mkdirSync(logs);
    const writer = new LogWriter(join(logs, 'app.log'));
    await writeLines(writer, 'https', 0, 500);
    const cfg = join(root, 'agent-https.yaml');
    const yaml = (tls: string): string => agentTlsYaml({ server: srv.url, dataDir: join(root, 'agent-https'), include: [`${logs}/app.log`] }, tls);
    let agent: AgentHandle = await startAgent(yaml(`  tls: { ca_file: ${otherCa.cert} }`), cfg);
    await waitFor(() => agent.output().includes('LS_AGENT_TLS_VERIFY_FAILED'), { what: 'the agent reporting the wrong CA' });
    assert.match(agent.output(), /SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT/);
    await agent.stop();
    agent = await startAgent(yaml(`  tls: { ca_file: ${ca.cert}, server_name: logs.example.com }`), cfg);
    await waitFor(() => agent.output().includes('ERR_TLS_CERT_ALTNAME_INVALID'), { what: 'the agent reporting the host name mismatch' });
    assert.match(agent.output(), /LS_AGENT_TLS_VERIFY_FAILED/);
    await sleep(500);
    assert.deepEqual(await seqsOver(srv.url, 'https', client), [], 'nothing shipped unverified');

    // Fixed config + SIGHUP: the agent, still retrying, delivers with the right CA.
    writeFileSync(cfg, yaml(`  tls: { ca_file: ${ca.cert} }`));
    agent.proc.kill('SIGHUP');
    await waitForSeqs(srv.url, 'https', 500, client);
    await agent.stop();

    // Exactly once through a SIGKILL mid-stream.
    agent = await startAgent(yaml(`  tls: { ca_file: ${ca.cert} }`), cfg);
    for (let chunk = 1; chunk <= 10; chunk++) {
      await writeLines(writer, 'https', chunk * 500, (chunk + 1) * 500);
      if (chunk === 5) {
        await sleep(150);
        assert.equal(await agent.stop('SIGKILL'), 'SIGKILL');
        agent = await startAgent(yaml(`  tls: { ca_file: ${ca.cert} }`), cfg);
      }
      await sleep(100);
    }
    const seqs = await waitForSeqs(srv.url, 'https', 5500, client);
    await sleep(1000);
    assertExactlyOnce(await seqsOver(srv.url, 'https', client), range(0, 5500));
    assert.ok(seqs.length >= 5500);
    assert.doesNotMatch(agent.output(), /LS_AGENT_TLS_VERIFY_FAILED/);
    await agent.stop();
    await writer.close();

    // insecure_skip_verify: ships, and says so at every start.
    agent = await startAgent(yaml('  tls: { insecure_skip_verify: true }'), cfg);
    await waitFor(() => agent.output().includes('insecure_skip_verify'), { what: 'the insecure_skip_verify warning' });
    await agent.stop();
    await srv.stop();
  });

  test('mutual TLS: no certificate and another CA\'s certificate are refused; tls_clients lets web-1 write without a token, not read', async () => {
    const port = await freePort();
    const dataDir = join(root, 'data-mtls');
    mkdirSync(dataDir);
    const cfg = join(root, 'mtls.yaml');
    writeFileSync(cfg, [
      'auth:',
      '  tokens:',
      `    - { name: reader, token: ${READ_TOKEN}, scopes: [read] }`,
      `    - { name: writer, token: ${WRITE_TOKEN}, scopes: [write] }`,
      '  tls_clients:',
      '    - { subject: "CN=web-1", scopes: [write] }',
      '',
    ].join('\n'));
    const mine = { ca: readFileSync(ca.cert), cert: readFileSync(web1.cert), key: readFileSync(web1.key) };
    const srv = await startHttpsServer(tlsArgs(port, dataDir, ['--config', cfg, '--tls-client-ca-file', ca.cert]),
      async (url) => (await httpsText(`${url}/health`, mine)).status === 200);

    const caNotAfter = Math.floor(Date.parse(new X509Certificate(readFileSync(ca.cert)).validTo) / 1000);
    assert.match((await httpsText(`${srv.url}/metrics`, mine)).body, new RegExp(`logship_tls_cert_expiry_timestamp_seconds\\{role="client_ca",[^}]*subject="CN=test-ca"\\} ${caNotAfter}\\n`));

    // The TLS layer refuses before any route runs.
    await assert.rejects(httpsText(`${srv.url}/health`, { ca: readFileSync(ca.cert) }), /certificate required|ECONNRESET|socket hang up|alert/i);
    await assert.rejects(httpsText(`${srv.url}/health`, { ca: readFileSync(ca.cert), cert: readFileSync(stranger.cert), key: readFileSync(stranger.key) }),
      /unknown ca|ECONNRESET|socket hang up|alert|certificate/i);

    // web-1's certificate stands for a write token, and only that.
    const line = JSON.stringify({ message: 'from web-1', run: 'mtls', seq: 1 });
    const wrote = await httpsText(`${srv.url}/api/v1/ingest`, { ...mine, method: 'POST', body: `${line}\n`, headers: { 'content-type': 'application/x-ndjson' } });
    assert.equal(wrote.status, 200, wrote.body);
    assert.equal((JSON.parse(wrote.body) as { stored: number }).stored, 1);
    const read = await httpsText(`${srv.url}/api/v1/search?q=run:mtls`, mine);
    assert.equal(read.status, 403, read.body);
    assert.match(read.body, /LS_AUTH_FORBIDDEN_SCOPE/);
    const withToken = await httpsText(`${srv.url}/api/v1/search?q=run:mtls&from=now-1h`, { ...mine, headers: { authorization: `Bearer ${READ_TOKEN}` } });
    assert.equal(withToken.status, 200, withToken.body);
    assert.equal((JSON.parse(withToken.body) as { hits: unknown[] }).hits.length, 1);

    // A certificate of the right CA whose subject is not in tls_clients is just a connection: it needs a token.
    const web2 = issue(ca, 'web-2', { cn: 'web-2', client: true });
    const other = await httpsText(`${srv.url}/api/v1/ingest`, { ca: readFileSync(ca.cert), cert: readFileSync(web2.cert), key: readFileSync(web2.key), method: 'POST', body: `${line}\n` });
    assert.equal(other.status, 401, other.body);

    // An agent without a client certificate is refused by the handshake and says so.
    const bare = await startAgent(agentTlsYaml({ server: srv.url, dataDir: join(root, 'agent-bare'), include: [join(root, 'none.log')] },
      `  tls: { ca_file: ${ca.cert} }`), join(root, 'agent-bare.yaml'));
    await writeFile(join(root, 'none.log'), `${JSON.stringify({ message: 'no cert', run: 'bare' })}\n`);
    await waitFor(() => bare.output().includes('LS_AGENT_TLS_VERIFY_FAILED'), { what: 'the agent reporting the refused handshake' });
    await bare.stop();

    // The agent presenting web-1's certificate ships without a token.
    const logs = join(root, 'logs-mtls');
    mkdirSync(logs);
    const writer = new LogWriter(join(logs, 'app.log'));
    await writeLines(writer, 'mtls-agent', 0, 300);
    const agent = await startAgent(agentTlsYaml({ server: srv.url, dataDir: join(root, 'agent-mtls'), include: [`${logs}/app.log`] },
      `  tls: { ca_file: ${ca.cert}, cert_file: ${web1.cert}, key_file: ${web1.key} }`), join(root, 'agent-mtls.yaml'));
    const reader = { ...mine, headers: { authorization: `Bearer ${READ_TOKEN}` } };
    await waitForSeqs(srv.url, 'mtls-agent', 300, reader);
    assertExactlyOnce(await seqsOver(srv.url, 'mtls-agent', reader), range(0, 300));
    await agent.stop();
    await writer.close();

    // The CLI with the client certificate from flags, then from the environment.
    const flags = ['search', 'run:mtls', '--server', srv.url, '--json', '--token', READ_TOKEN, '--ca-file', ca.cert, '--cert-file', web1.cert, '--key-file', web1.key];
    const byFlags = await cli(flags);
    assert.equal(byFlags.code, 0, byFlags.stderr);
    assert.equal((JSON.parse(byFlags.stdout.trim()) as { message: string }).message, 'from web-1');
    const byEnv = await cli(['count', 'run:mtls', '--server', srv.url], { LOGSHIP_TOKEN: READ_TOKEN, LOGSHIP_CA_FILE: ca.cert, LOGSHIP_CERT_FILE: web1.cert, LOGSHIP_KEY_FILE: web1.key });
    assert.equal(byEnv.code, 0, byEnv.stderr);
    assert.equal(byEnv.stdout.trim(), '1');
    const noCert = await cli(['count', 'run:mtls', '--server', srv.url, '--token', READ_TOKEN, '--ca-file', ca.cert]);
    // No answer (the handshake refused): exit 4, saying what to pass.
    assert.equal(noCert.code, 4, noCert.stdout);
    assert.match(noCert.stderr, /^error \[LS_CLIENT_TLS\]: TLS with the logship server at https:\/\/127\.0\.0\.1:\d+ failed: \w+, the server asks for a client certificate it trusts \(mutual TLS\); pass --cert-file FILE --key-file FILE/);
    await srv.stop();
  });

  test('the CLI over HTTPS: --ca-file or LOGSHIP_CA_FILE, --follow streams the SSE tail; without the CA it cannot reach the server', async () => {
    const port = await freePort();
    const srv = await startHttpsServer(tlsArgs(port, join(root, 'data-cli')), async (url) => (await httpsText(`${url}/health`, { ca: readFileSync(ca.cert) })).status === 200);
    const line = JSON.stringify({ message: 'over https', run: 'cli', seq: 7 });
    const wrote = await httpsText(`${srv.url}/api/v1/ingest`, { ca: readFileSync(ca.cert), method: 'POST', body: `${line}\n` });
    assert.equal(wrote.status, 200, wrote.body);
    const byFlag = await cli(['search', 'run:cli', '--server', srv.url, '--ca-file', ca.cert, '--json']);
    assert.equal(byFlag.code, 0, byFlag.stderr);
    assert.equal((JSON.parse(byFlag.stdout.trim()) as { seq: number }).seq, 7);
    const byEnv = await cli(['top', 'run', '--server', srv.url], { LOGSHIP_CA_FILE: ca.cert });
    assert.equal(byEnv.code, 0, byEnv.stderr);
    assert.match(byEnv.stdout, /1\s+cli/);
    // --follow: the SSE tail over HTTPS streams a new event as it is committed.
    const follower = spawn(process.execPath, [logshipBin, 'search', 'run:tail', '--follow', '--json', '--server', srv.url, '--ca-file', ca.cert], { cwd: repoRoot });
    let followed = '';
    follower.stdout.on('data', (d: Buffer) => { followed += d.toString(); });
    try {
      await sleep(1500);
      await waitFor(async () => {
        const body = `${JSON.stringify({ message: 'tailed over https', run: 'tail', seq: Date.now() })}\n`;
        await httpsText(`${srv.url}/api/v1/ingest`, { ca: readFileSync(ca.cert), method: 'POST', body });
        await sleep(500);
        return followed.includes('tailed over https');
      }, { timeoutMs: 20_000, intervalMs: 100, what: 'the followed event' });
    } finally {
      follower.kill('SIGINT');
    }
    const untrusted = await cli(['search', 'run:cli', '--server', srv.url], { LOGSHIP_CA_FILE: '' });
    assert.equal(untrusted.code, 4, untrusted.stdout);
    assert.match(untrusted.stderr, /^error \[LS_CLIENT_TLS\]: TLS with the logship server at https:\/\/127\.0\.0\.1:\d+ failed: \w+, its certificate is signed by a CA this client does not trust; pass the CA's certificate with --ca-file FILE/);
    await srv.stop();
  });

  test('certificate rotated on disk + SIGHUP while an agent streams: new connections get the new one, nothing is lost or doubled', async () => {
    const port = await freePort();
    const live = { cert: join(root, 'live.pem'), key: join(root, 'live.key') };
    copyFileSync(server.cert, live.cert);
    copyFileSync(server.key, live.key);
    const srv = await startHttpsServer(['--listen', `127.0.0.1:${port}`, '--data', join(root, 'data-rotate'), '--tls-cert-file', live.cert, '--tls-key-file', live.key],
      async (url) => (await httpsText(`${url}/health`, { ca: readFileSync(ca.cert) })).status === 200);
    const client = { ca: readFileSync(ca.cert) };
    const before = await servedSerial(srv.url, ca.cert);
    // A kept-alive connection opened before the rotation, to see that it survives it.
    const keep = new Agent({ keepAlive: true, maxSockets: 1, ca: readFileSync(ca.cert) });
    const onKept = (): Promise<{ status: number; serial: string | undefined; socket: object }> => new Promise((resolve, reject) => {
      request(`${srv.url}/health`, { agent: keep }, (res) => {
        const socket = res.socket as TLSSocket;
        // A resumed or reused session may not carry the certificate again: undefined then.
        const serial = socket.getPeerX509Certificate()?.serialNumber;
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, serial, socket }));
      }).on('error', reject).end();
    });
    const kept = await onKept();

    const logs = join(root, 'logs-rotate');
    mkdirSync(logs);
    const writer = new LogWriter(join(logs, 'app.log'));
    const agent = await startAgent(agentTlsYaml({ server: srv.url, dataDir: join(root, 'agent-rotate'), include: [`${logs}/app.log`] },
      `  tls: { ca_file: ${ca.cert} }`), join(root, 'agent-rotate.yaml'));
    const total = 20_000;
    const next = issue(ca, 'server-next', { cn: 'localhost', days: 2 });
    const stream = (async () => {
      for (let seq = 0; seq < total; seq += 200) {
        await writeLines(writer, 'rotate', seq, seq + 200);
        await sleep(40);
      }
    })();
    await sleep(1500);
    // What an operator's renewal hook does: write the new pair, then HUP.
    copyFileSync(next.key, live.key);
    copyFileSync(next.cert, live.cert);
    srv.proc.kill('SIGHUP');
    await waitFor(() => srv.output().includes('TLS certificate and key reloaded'), { what: 'the reload log line' });
    await stream;
    const after = await servedSerial(srv.url, ca.cert);
    assert.notEqual(after, before, 'a new connection is shown the rotated certificate');
    const stillKept = await onKept();
    assert.equal(stillKept.status, 200);
    assert.equal(stillKept.socket, kept.socket, 'the connection opened before SIGHUP was not dropped');
    assert.equal(kept.serial, before);
    assert.equal(stillKept.serial ?? before, before);
    keep.destroy();
    assert.equal(after, new X509Certificate(readFileSync(next.cert)).serialNumber);
    await waitForSeqs(srv.url, 'rotate', total, client);
    await sleep(1000);
    assertExactlyOnce(await seqsOver(srv.url, 'rotate', client), range(0, total));
    const notAfter = Math.floor(Date.parse(new X509Certificate(readFileSync(next.cert)).validTo) / 1000);
    assert.match((await httpsText(`${srv.url}/metrics`, client)).body, new RegExp(`logship_tls_cert_expiry_timestamp_seconds\\{role="server"[^}]*\\} ${notAfter}\\n`));

    // A broken pair on disk: SIGHUP logs it and the running certificate stays.
    copyFileSync(web1.key, live.key);
    srv.proc.kill('SIGHUP');
    await waitFor(() => srv.output().includes('LS_TLS_KEY_MISMATCH'), { what: 'the refused reload' });
    assert.equal(await servedSerial(srv.url, ca.cert), after);
    assert.equal(agent.proc.exitCode, null);
    await agent.stop();
    await writer.close();
    assert.equal(await srv.stop(), 0);
  });

  test('syslog over TLS (RFC 5425) takes the server\'s tls block; SIGHUP rotates its certificate too', async () => {
    const port = await freePort();
    const syslogPort = await freePort();
    const live = { cert: join(root, 'sys-live.pem'), key: join(root, 'sys-live.key') };
    copyFileSync(server.cert, live.cert);
    copyFileSync(server.key, live.key);
    const cfg = join(root, 'syslog-tls.yaml');
    writeFileSync(cfg, `syslog: { listen_tls: "127.0.0.1:${syslogPort}" }\n`);
    const srv = await startHttpsServer(['--listen', `127.0.0.1:${port}`, '--data', join(root, 'data-syslog'), '--config', cfg, '--tls-cert-file', live.cert, '--tls-key-file', live.key],
      async (url) => (await httpsText(`${url}/health`, { ca: readFileSync(ca.cert) })).status === 200);
    const client = { ca: readFileSync(ca.cert) };
    const send = (text: string): Promise<void> => new Promise((resolve, reject) => {
      const msg = Buffer.from(`<134>1 ${new Date().toISOString()} web-1 app - - - ${text}`);
      const s = connect({ host: '127.0.0.1', port: syslogPort, ca: readFileSync(ca.cert), servername: 'localhost' }, () => {
        s.end(Buffer.concat([Buffer.from(`${msg.length} `), msg]));
      });
      s.on('close', () => resolve());
      s.on('error', reject);
    });
    const found = async (text: string): Promise<boolean> => {
      const res = await httpsText(`${srv.url}/api/v1/search?${new URLSearchParams({ q: `"${text}"`, from: 'now-1h', to: 'now+1h' })}`, client);
      return (JSON.parse(res.body) as { hits: unknown[] }).hits.length === 1;
    };
    await send('syslog over tls one');
    await waitFor(() => found('syslog over tls one'), { what: 'the syslog message over TLS' });
    assert.equal(await servedSerial(`tls://127.0.0.1:${syslogPort}`, ca.cert), new X509Certificate(readFileSync(server.cert)).serialNumber);

    const next = issue(ca, 'syslog-next', { cn: 'localhost' });
    copyFileSync(next.key, live.key);
    copyFileSync(next.cert, live.cert);
    srv.proc.kill('SIGHUP');
    await waitFor(() => srv.output().includes('TLS certificate and key reloaded'), { what: 'the reload log line' });
    assert.equal(await servedSerial(`tls://127.0.0.1:${syslogPort}`, ca.cert), new X509Certificate(readFileSync(next.cert)).serialNumber);
    await send('syslog over tls two');
    await waitFor(() => found('syslog over tls two'), { what: 'the second syslog message' });
    assert.equal(await srv.stop(), 0);
  });

  test('OTLP/gRPC takes the tls block: a client trusting the CA exports, a plaintext client cannot; min_version TLSv1.3 refuses TLS 1.2', async () => {
    const port = await freePort();
    const grpcPort = await freePort();
    const cfg = join(root, 'grpc-tls.yaml');
    writeFileSync(cfg, `otlp: { grpc_listen: "127.0.0.1:${grpcPort}" }\n`);
    const srv = await startHttpsServer(tlsArgs(port, join(root, 'data-grpc'), ['--config', cfg, '--tls-min-version', 'TLSv1.3']),
      async (url) => (await httpsText(`${url}/health`, { ca: readFileSync(ca.cert) })).status === 200);
    // min_version: a client that stops at TLS 1.2 is refused.
    await assert.rejects(new Promise((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port, ca: readFileSync(ca.cert), servername: 'localhost', maxVersion: 'TLSv1.2' }, () => resolve(s.end()));
      s.on('error', reject);
    }), /version|protocol/i);
    const exportEmpty = (creds: ReturnType<typeof credentials.createInsecure>): Promise<number> => new Promise((resolve) => {
      const client = new Client(`localhost:${grpcPort}`, creds);
      client.makeUnaryRequest('/opentelemetry.proto.collector.logs.v1.LogsService/Export', (b: Buffer) => b, (b: Buffer) => b, Buffer.alloc(0), new Metadata(),
        { deadline: Date.now() + 5000 }, (err) => {
          client.close();
          resolve(err?.code ?? status.OK);
        });
    });
    assert.equal(await exportEmpty(credentials.createSsl(readFileSync(ca.cert))), status.OK);
    assert.notEqual(await exportEmpty(credentials.createInsecure()), status.OK);
    assert.equal(await srv.stop(), 0);
  });
});
