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
 * processes (created exclusively, holding the claimer's pid and start time):
 * a claim lasts until its process exits, and a dead process's claim (its pid
 * gone, or now another process's) is taken over.
 *
 *   freePort() ─► random port in [LOW, ephemeral start) ─► open(<dir>/<port>, 'wx')
 *                    ▲  taken by a live pid / bound by anyone         │ claimed
 *                    └──────────────── try another ◄──────────────────┤
 *                                                         bind check ─┴─► port
 */
import { accessSync, chmodSync, closeSync, constants, lstatSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Shared by every test process of the machine (and user). */
const portClaimDir = join(tmpdir(), 'logship-test-ports');

/**
 * This user's own claims folder, for when the shared one is not writable:
 * an older checkout made it 0755 as another user, and every freePort threw
 * EACCES. Test processes of this user still never share a port; another
 * user's may (the bind check still catches a port already listened on).
 */
const ownPortClaimDir = `${portClaimDir}-${process.getuid?.() ?? 'user'}`;

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

/** A folder this process can create claims in, made with `mode` if it is missing. */
function usable(dir: string, mode: number): boolean {
  try {
    if (mkdirSync(dir, { recursive: true }) !== undefined) chmodSync(dir, mode);
    const st = lstatSync(dir);
    if (!st.isDirectory()) return false;
    // Ours but made by an older checkout without the mode: open it up as meant.
    if (st.uid === process.getuid?.() && (st.mode & 0o7777) !== mode) chmodSync(dir, mode);
    accessSync(dir, constants.W_OK | constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

let dir: string | undefined;

/** The claims folder, chosen once per process. */
export function claimDir(): string {
  if (dir !== undefined) return dir;
  // Open to every user, as /tmp is (sticky: a claim is removed only by its owner),
  // for the tests that run as root beside a developer's own.
  if (usable(portClaimDir, 0o1777)) return (dir = portClaimDir);
  if (usable(ownPortClaimDir, 0o700)) return (dir = ownPortClaimDir);
  throw new Error(`neither ${portClaimDir} nor ${ownPortClaimDir} can hold port claims: remove them, or make the first mode 1777`);
}

const claimed = new Set<number>();

process.once('exit', () => {
  if (dir === undefined) return;
  for (const port of claimed) {
    try {
      unlinkSync(join(dir, String(port)));
    } catch {
      // Already gone; nothing to release.
    }
  }
});

/**
 * When the process `pid` started (clock ticks since boot, /proc/<pid>/stat
 * field 22), so a claim outlives neither its process nor a reuse of its pid;
 * '' where there is no /proc or the process is gone.
 */
export function startTime(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2, the command name in parentheses, may hold spaces and ')': count from the last one.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[22 - 3] ?? '';
  } catch {
    return '';
  }
}

const ownClaim = `${process.pid} ${startTime(process.pid)}`.trim();

/** Whether the claim `text` (`<pid> <start time>`, or `<pid>` as older checkouts wrote) is held by a live process. */
function held(text: string): boolean {
  const [pidText = '', start] = text.trim().split(' ');
  const pid = Number(pidText);
  // An empty file is a claim being written this instant.
  if (!Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it exists, as another user.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (start === undefined) return true;
  // Killed, and its pid since given to another process. Unreadable stat: assume it is the claimer.
  const now = startTime(pid);
  return now === '' || now === start;
}

/**
 * Claims `port` for this process, taking over a dead process's claim; false
 * if a live one holds it, or the claim cannot be read or removed (a dead
 * process's of another user, in the sticky folder: that port is skipped).
 */
export function claimPort(port: number): boolean {
  const file = join(claimDir(), String(port));
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, ownClaim);
      closeSync(fd);
      claimed.add(port);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let holder: string;
    try {
      holder = readFileSync(file, 'utf8');
    } catch (err) {
      // Released meanwhile: try again. Unreadable (another user's 0600): not ours to take.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      return false;
    }
    if (held(holder)) return false;
    try {
      unlinkSync(file);
    } catch {
      // Another process took the dead claim over first (it will win the create), or the claim is
      // another user's in the sticky folder (the create fails again: skipped).
    }
  }
  return false;
}

function release(port: number): void {
  claimed.delete(port);
  try {
    unlinkSync(join(claimDir(), String(port)));
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
  const high = ephemeralStart();
  for (let tries = 0; tries < 200; tries++) {
    const port = LOW + Math.floor(Math.random() * (high - LOW));
    if (claimed.has(port) || !claimPort(port)) continue;
    if (await bindable(port)) return port;
    release(port);
  }
  throw new Error(`no free port claimable in ${LOW}-${high - 1} after 200 tries (claims in ${claimDir()})`);
}
