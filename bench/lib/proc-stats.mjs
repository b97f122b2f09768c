/**
 * CPU time and peak memory of a running process, read from /proc (Linux):
 * utime+stime in clock ticks (USER_HZ = 100 on Linux), VmHWM for peak RSS.
 */
import { readFileSync } from 'node:fs';

const TICK_MS = 10;

export function cpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may contain spaces, in parentheses.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) * TICK_MS;
  } catch {
    return null;
  }
}

export function peakRssMiB(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 102.4) / 10 : null;
  } catch {
    return null;
  }
}

/** Measures a process's CPU use over the span of `fn` as a fraction of one core. */
export async function cpuOver(pid, fn) {
  const c0 = cpuMs(pid);
  const t0 = performance.now();
  const result = await fn();
  const wall = performance.now() - t0;
  const c1 = cpuMs(pid);
  const used = c0 === null || c1 === null ? null : c1 - c0;
  return { result, wallMs: wall, cpuMs: used, cores: used === null ? null : used / wall };
}

/**
 * Waits until a process has been idle (under `busyMs` of CPU per `quietMs`)
 * or `maxMs` passed: what a store still does after the last acknowledgement
 * (flushes, merges, checkpoints) belongs to the cost of ingesting. Returns
 * whether it settled.
 */
export async function waitIdle(pid, { quietMs = 2000, busyMs = 40, maxMs = 180_000, pollMs = 250 } = {}) {
  const end = Date.now() + maxMs;
  const window = [{ t: Date.now(), c: cpuMs(pid) }];
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, pollMs));
    const now = { t: Date.now(), c: cpuMs(pid) };
    if (now.c === null) return false;
    window.push(now);
    while (window.length > 1 && now.t - window[1].t >= quietMs) window.shift();
    if (now.t - window[0].t >= quietMs && now.c - window[0].c < busyMs) return true;
  }
  return false;
}
