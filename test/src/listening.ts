/**
 * Proof that a given process holds the listening socket of a TCP port (or
 * the bound socket of a UDP one): the kernel's socket table (/proc/net/tcp,
 * tcp6; udp, udp6) names the inode of the socket listening on the port, and
 * the process's open files (/proc/<pid>/fd) hold it. A helper's /health or /-/ready answering on the port proves only that
 * something listens there, and with files run at once that something was
 * once another file's process (see harness.ts, startServer).
 *
 *   /proc/net/tcp{,6}: local :PORT, state 0A (LISTEN) ─► inode ─┐
 *   /proc/net/udp{,6}: local :PORT, state 07 (bound) ──► inode ─┤
 *   /proc/<pid>/fd/*: socket:[inode] ◄──────────────────────────┘ held by pid?
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** A port a test process chose for a helper was listened on by another process first. */
export class PortTaken extends Error {}

export type Transport = 'tcp' | 'udp';

/** A socket's state in the table: TCP's LISTEN; a bound, unconnected UDP socket's (TCP_CLOSE, which the kernel shows for UDP). */
const LISTENING: Readonly<Record<Transport, string>> = { tcp: '0A', udp: '07' };

/** Inodes of the sockets listening on `port` (any address, IPv4 or IPv6). */
function listeningInodes(port: number, transport: Transport): Set<string> {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const inodes = new Set<string>();
  for (const table of [`/proc/net/${transport}`, `/proc/net/${transport}6`]) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue; // No IPv6 in this kernel.
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // local_address is cols[1], st cols[3], inode cols[9].
      if (cols[1]?.endsWith(hex) && cols[3] === LISTENING[transport] && cols[9] !== undefined) inodes.add(cols[9]);
    }
  }
  return inodes;
}

/**
 * Whether the process `pid` holds a socket listening on `port` (a bound UDP
 * socket with `udp`); undefined where /proc cannot tell (not Linux), so the
 * caller falls back to the helper's own answer.
 */
export function listensOn(pid: number, port: number, transport: Transport = 'tcp'): boolean | undefined {
  try {
    readFileSync('/proc/net/tcp', 'utf8');
  } catch {
    return undefined;
  }
  const inodes = listeningInodes(port, transport);
  if (inodes.size === 0) return false;
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return false; // Exited.
  }
  return fds.some((fd) => {
    try {
      return inodes.has(/^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1] ?? '');
    } catch {
      return false; // Closed meanwhile.
    }
  });
}
