/**
 * Throwaway certificate authorities for the TLS tests, made with the real
 * `openssl` command (as an operator would), an HTTPS client that trusts them,
 * and `logship serve` started over HTTPS.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { logshipBin, repoRoot, track, waitFor, type RunningProcess } from './harness.js';

export const OPENSSL = spawnSync('openssl', ['version']).status === 0;
if (!OPENSSL && process.env.CI === 'true') throw new Error('CI=true but openssl is not installed (scripts/test-deps.sh installs it)');

const openssl = (args: string[], cwd: string): void => {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
};

export interface Ca {
  name: string;
  cert: string;
  key: string;
  dir: string;
}

/** A self-signed CA (P-256) valid for two days. */
export function makeCa(dir: string, name: string): Ca {
  const cert = join(dir, `${name}.pem`);
  const key = join(dir, `${name}.key`);
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert,
    '-days', '2', '-subj', `/CN=${name}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  return { name, cert, key, dir };
}

export interface Leaf {
  cert: string;
  key: string;
}

/**
 * A certificate signed by `ca`: a server one (subjectAltName localhost and
 * 127.0.0.1 unless `sans` says otherwise) or a client one. `days: 0` makes
 * one that expires the second it is made.
 */
export function issue(ca: Ca, file: string, opts: { cn: string; client?: boolean; sans?: string; days?: number }): Leaf {
  const cert = join(ca.dir, `${file}.pem`);
  const key = join(ca.dir, `${file}.key`);
  const csr = join(ca.dir, `${file}.csr`);
  const ext = join(ca.dir, `${file}.ext`);
  writeFileSync(ext, opts.client
    ? 'extendedKeyUsage=clientAuth\n'
    : `extendedKeyUsage=serverAuth\nsubjectAltName=${opts.sans ?? 'DNS:localhost,IP:127.0.0.1'}\n`);
  openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', csr, '-subj', `/CN=${opts.cn}`], ca.dir);
  openssl(['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-days', String(opts.days ?? 1),
    '-extfile', ext, '-out', cert], ca.dir);
  return { cert, key };
}

export interface HttpsOptions {
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
  method?: string;
  body?: string;
  headers?: Record<string, string>;
  servername?: string;
}

/** One HTTPS request with node:https (fetch takes no private CA); resolves status and body text. */
export function httpsText(url: string, opts: HttpsOptions = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: opts.method ?? 'GET',
      headers: opts.headers ?? {},
      ...(opts.ca ? { ca: opts.ca } : {}),
      ...(opts.cert ? { cert: opts.cert, key: opts.key } : {}),
      ...(opts.servername ? { servername: opts.servername } : {}),
      agent: false,
    }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

export interface HttpsServerHandle extends RunningProcess {
  url: string;
}

/**
 * Starts `logship serve` with `args` (which set --listen and TLS) and waits
 * for its "listening on https://…" line; `ready` then checks /health with the
 * client options the test passes.
 */
export async function startHttpsServer(args: string[], ready: (url: string) => Promise<boolean>): Promise<HttpsServerHandle> {
  const proc = spawn(process.execPath, [logshipBin, 'serve', ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  const rp = track(proc);
  try {
    const url = await waitFor(() => {
      if (proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode}`);
      return /logship listening on (https:\/\/\S+)/.exec(rp.output())?.[1];
    }, { timeoutMs: 30_000, what: 'logship serve over HTTPS' });
    await waitFor(() => ready(url), { what: `${url}/health` });
    return { ...rp, url };
  } catch (err) {
    await rp.stop('SIGKILL');
    throw new Error(`${(err as Error).message}\n--- server output ---\n${rp.output()}`);
  }
}

/** Runs `logship serve` expecting it to refuse to start; resolves exit code and output. */
export function serveFails(args: string[]): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, [logshipBin, 'serve', ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}
