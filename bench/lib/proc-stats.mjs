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
  return { result, wallMs: wall, cores: c0 === null || c1 === null ? null : (c1 - c0) / wall };
}
