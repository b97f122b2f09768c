import { createSocket, type Socket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import type { ServerConfig } from '../config/server-config.js';
import { parseListen } from '../config/parse-listen.js';
import { listenFailure } from './listen-failure.js';
import { MistakeList } from '../errors/mistake-list.js';
import { LOCK_FILE, lockDataFolder } from '../sqlite/data-folder-lock.js';
import { configuredListeners, listenClashes } from '../config/listen-clashes.js';

/**
 * `serve --check`'s part of the start that binds: each configured listener
 * (HTTP `listen`, syslog TCP/TLS/UDP, OTLP/gRPC) is bound and released, all
 * held together as the start holds them, so a port taken by another
 * program or an address this host lacks fail the check with the start's
 * LS_CONFIG_LISTEN_FAILED naming the key (the check said "valid" and the
 * start then failed); two keys on one port are LS_CONFIG_INVALID naming
 * both, before anything binds (config/listen-clashes.ts, named by the
 * config's loader). Two cases are warnings, since
 * the start may well bind: the port is held by the logship server already
 * running on this config's data folder (a restart frees it), and a port
 * below 1024 this user may not bind (the systemd unit grants
 * CAP_NET_BIND_SERVICE to the start). Without `warnings` (the start, whose
 * own bind already failed: server.ts) neither is spared: every listener
 * that cannot bind is a mistake.
 */
export async function checkListeners(config: ServerConfig, warnings?: string[]): Promise<void> {
  // Two keys on one port are the config's mistake, which the loader named at
  // their lines (buildServerConfig refuses such a config; only --check, which
  // goes on to name the rest, gets here with one): binding them would add
  // "in use" for a port this config itself holds.
  if (listenClashes(config).length > 0) return;
  const held: (Server | Socket)[] = [];
  const failed: { key: string; address: string; port: number; err: unknown }[] = [];
  try {
    for (const { key, address, transport } of configuredListeners(config)) {
      const { host, port } = parseListen(address);
      try {
        held.push(await (transport === 'udp' ? bindUdp(host, port) : bindTcp(host, port)));
      } catch (err) {
        failed.push({ key, address, port, err });
      }
    }
  } finally {
    await Promise.all(held.map((h) => new Promise<void>((resolve) => h.close(() => resolve()))));
  }
  // Judged once ours are released: a probe of a running server must not
  // reach a socket this check holds.
  let running: boolean | undefined;
  const mistakes = new MistakeList();
  for (const { key, address, port, err } of failed) {
    const code = (err as { code?: unknown }).code;
    if (warnings === undefined) {
      mistakes.add(listenFailure(key, address, err));
      continue;
    }
    if (code === 'EADDRINUSE' && (running ??= await serverRunning(config))) {
      warnings.push(`${key} ${address} is in use by the logship server running on this config; a restart frees it.`);
      continue;
    }
    if (code === 'EACCES' && port < 1024 && process.getuid?.() !== 0) {
      warnings.push(`${key} ${address}: this user may not bind a port below 1024; the server needs root or CAP_NET_BIND_SERVICE (the systemd unit grants it).`);
      continue;
    }
    mistakes.add(listenFailure(key, address, err));
  }
  // Every listener that cannot bind, not only the first.
  mistakes.throwIfAny();
}

function bindTcp(host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen({ host, port, exclusive: true }, () => resolve(srv));
  });
}

function bindUdp(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const sock = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    sock.once('error', reject);
    sock.bind(port, host, () => resolve(sock));
  });
}

/**
 * Whether a logship server runs on this config: its data folder is locked
 * (the embedded store; the lock file is not created when absent), or its
 * HTTP address answers logship's /health.
 */
async function serverRunning(config: ServerConfig): Promise<boolean> {
  if (config.store.type === 'sqlite' && existsSync(join(config.data, LOCK_FILE))) {
    try {
      lockDataFolder(config.data, 'serve --check').release();
    } catch (err) {
      if (/in use by another logship process/.test((err as Error).message)) return true;
    }
  }
  const { host, port } = parseListen(config.listen);
  const target = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return answersHealthy(config.tls !== undefined, target, port);
}

/**
 * Whether `host:port` answers logship's /health as healthy. Over TLS the
 * certificate is not verified: the probe only asks whether the program
 * holding a port of this host is logship, and the certificate names the
 * host clients use (logs.example.com), not the loopback address probed,
 * so verifying it failed the check of every TLS server that ran (with the
 * Elasticsearch store, whose folder has no lock to say so first). Nothing
 * is sent but the request line. A timer of our own, not a socket timeout
 * alone: a program that accepts and never answers must not let the
 * process exit 0 before the check's verdict.
 */
function answersHealthy(tls: boolean, host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const options = { host, port, path: '/health', rejectUnauthorized: false };
    const req = (tls ? httpsGet : httpGet)(options, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { if (body.length < 65_536) body += chunk; });
      res.on('end', () => {
        clearTimeout(timer);
        try {
          resolve(res.statusCode === 200 && (JSON.parse(body) as { status?: unknown }).status === 'healthy');
        } catch {
          resolve(false);
        }
      });
      res.on('error', () => { clearTimeout(timer); resolve(false); });
    });
    const timer = setTimeout(() => { req.destroy(); resolve(false); }, 2000);
    req.on('error', () => { clearTimeout(timer); resolve(false); });
  });
}
