/**
 * Free loopback ports for test processes, never the same one to two test
 * files running at once.
 *
 * Asking the kernel (listen on 0, close, hand the number on) gave two files
 * the same port in CI: the number is free again the moment it is closed,
 * and the kernel hands out that same range for every listen on 0 and every
 * outgoing connection of every process on the machine. So a port comes from
 * below the kernel's ephemeral range (which it never hands out by itself),
 * and is claimed by a file named after it in one folder shared by the test
 * processes (created exclusively, holding the claimer's pid): a claim lasts
 * until its process exits, and a dead process's claim is taken over.
 *
 *   freePort() ─► random port in [LOW, ephemeral start) ─► open(<dir>/<port>, 'wx')
 *                    ▲  taken by a live pid / bound by anyone         │ claimed
 *                    └──────────────── try another ◄──────────────────┤
 *                                                         bind check ─┴─► port
 */
import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Shared by every test process of the machine (and user). */
export const portClaimDir = join(tmpdir(), 'logship-test-ports');

/** Clear of the well-known and registered ports most services take. */
const LOW = 10_000;

/** Where the kernel's own port choices begin (Linux; the usual default elsewhere). */
export function ephemeralStart(): number {
  try {
    const start = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    if (Number.isInteger(start) && start > LOW + 1_000) return start;
  } catch {
    // Not Linux: fall through to the IANA dynamic range.
  }
  return 49_152;
}

const claimed = new Set<number>();

process.once('exit', () => {
  for (const port of claimed) {
    try {
      unlinkSync(join(portClaimDir, String(port)));
    } catch {
      // Already gone; nothing to release.
    }
  }
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, as another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Claims `port` for this process, taking over a dead process's claim; false if a live one holds it. */
function claim(port: number): boolean {
  const file = join(portClaimDir, String(port));
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      claimed.add(port);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let holder = NaN;
    try {
      holder = Number(readFileSync(file, 'utf8'));
    } catch {
      // Released meanwhile: try again.
      continue;
    }
    // An empty file is a claim being written this instant.
    if (!Number.isInteger(holder) || holder <= 0 || alive(holder)) return false;
    try {
      unlinkSync(file);
    } catch {
      // Another process took the dead claim over first; it will win the create.
    }
  }
  return false;
}

function release(port: number): void {
  claimed.delete(port);
  try {
    unlinkSync(join(portClaimDir, String(port)));
  } catch {
    // Already gone.
  }
}

/** Whether nothing listens on the port now (a service outside the tests may). */
function bindable(port: number): Promise<boolean> {
  return new Promise((resolveFree) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolveFree(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolveFree(true)));
  });
}

/** A loopback port no other test process holds and nothing listens on, this process's until it exits. */
export async function freePort(): Promise<number> {
  // Open to every user, as /tmp is (sticky: a claim is removed only by its owner),
  // for the tests that run as root beside a developer's own.
  if (mkdirSync(portClaimDir, { recursive: true }) !== undefined) chmodSync(portClaimDir, 0o1777);
  const high = ephemeralStart();
  for (let tries = 0; tries < 200; tries++) {
    const port = LOW + Math.floor(Math.random() * (high - LOW));
    if (claimed.has(port) || !claim(port)) continue;
    if (await bindable(port)) return port;
    release(port);
  }
  throw new Error(`no free port claimable in ${LOW}-${high - 1} after 200 tries (claims in ${portClaimDir})`);
}
