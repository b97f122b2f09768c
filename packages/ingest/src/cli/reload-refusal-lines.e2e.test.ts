/**
 * A SIGHUP whose TLS files or auth are refused logs one line with the
 * error's code and message, as a refused config or rule file does: both
 * logged `{ err }`, the error with its stack (~1 KB of node's frames that
 * say nothing of the file or the token). What runs stays, as before.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/logship.js', import.meta.url));

interface Served {
  line(match: (l: string) => boolean, what: string): Promise<string>;
  hup(): void;
  stop(): Promise<number | null>;
}

function serve(args: string[], signal: AbortSignal): Served {
  const proc = spawn(process.execPath, [BIN, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const out: string[] = [];
  createInterface({ input: proc.stdout }).on('line', (l) => out.push(l));
  createInterface({ input: proc.stderr }).on('line', (l) => out.push(l));
  const exit = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return {
    // Until the test's timeout: a server that never logs it fails the test.
    async line(match, what) {
      while (!signal.aborted) {
        const found = out.find(match);
        if (found !== undefined) return found;
        if (proc.exitCode !== null) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`no ${what} in the output: ${out.join('\n')}`);
    },
    hup: () => proc.kill('SIGHUP'),
    stop: () => {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      return exit;
    },
  };
}

function assertOneLine(logged: string, code: string, error: string, msg: string): void {
  const entry = JSON.parse(logged) as { level: number; code?: string; error?: string; msg: string; err?: unknown };
  assert.equal(entry.level, 50);
  assert.equal(entry.code, code, logged);
  assert.equal(entry.error, error);
  assert.equal(entry.msg, msg);
  assert.equal(entry.err, undefined, logged);
  assert.doesNotMatch(logged, /stack|\n\s+at |\\n\s+at /, logged);
}

test('SIGHUP with a key that does not belong to the certificate: one line with code and message; the running certificate stays', { timeout: 60_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'logship-reload-tls-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const otherKey = join(dir, 'other.pem');
  const pair = (k: string, c: string): void => {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', k, '-out', c, '-subj', '/CN=localhost', '-days', '2'], { stdio: 'ignore' });
  };
  pair(key, cert);
  pair(otherKey, join(dir, 'other-cert.pem'));
  const srv = serve(['--listen', '127.0.0.1:0', '--data', join(dir, 'data'), '--tls-cert-file', cert, '--tls-key-file', key], t.signal);
  try {
    await srv.line((l) => l.startsWith('logship listening on https://'), 'address');
    execFileSync('cp', [otherKey, key]);
    srv.hup();
    const logged = await srv.line((l) => l.includes('the TLS files did not check out'), 'reload failure');
    assertOneLine(logged, 'LS_TLS_KEY_MISMATCH', `private key in ${key} does not belong to the certificate in ${cert}`,
      'Received SIGHUP; the TLS files did not check out, so the running certificate stays.');
    assert.equal(await srv.stop(), 0);
  } finally {
    await srv.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SIGHUP with tokens added to a server started without any: one line with code and message; the server stays open', { timeout: 60_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'logship-reload-auth-'));
  const cfg = join(dir, 'server.yaml');
  const base = `data: ${join(dir, 'data')}\nlisten: 127.0.0.1:0\n`;
  writeFileSync(cfg, base);
  const srv = serve(['--config', cfg], t.signal);
  try {
    const url = /^logship listening on (http:\/\/\S+)$/.exec(await srv.line((l) => l.startsWith('logship listening on '), 'address'))![1]!;
    writeFileSync(cfg, `${base}auth:\n  tokens:\n    - { name: ops, token: "0123456789abcdef0123456789abcdef", scopes: [read, write] }\n`);
    srv.hup();
    const logged = await srv.line((l) => l.includes('the new auth cannot be put in force'), 'reload failure');
    const entry = JSON.parse(logged) as { error?: string };
    assert.match(entry.error ?? '', /adds tokens to a server started without any: that needs a restart/, logged);
    assertOneLine(logged, 'LS_CONFIG_INVALID', entry.error!,
      'Received SIGHUP; the new auth cannot be put in force without a restart, so the running tokens stay.');
    assert.equal((await fetch(`${url}/api/v1/retention`)).status, 200, 'the server started without tokens stays open');
    assert.equal(await srv.stop(), 0);
  } finally {
    await srv.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
