/**
 * Partition files are named `YYYY-MM-DD.<class>.db`: one SQLite database per
 * UTC day and retention class, so retention deletes whole files.
 */
import { DAY_MS } from '../retention/retention-config.js';

export interface PartitionKey {
  day: string;
  className: string;
}

const FILE = /^(\d{4}-\d{2}-\d{2})\.([A-Za-z0-9_-]{1,64})\.db$/;

// Consecutive events mostly share a day: remember the last one, because
// formatting a Date per event showed up in write profiles.
let lastDayNumber = NaN;
let lastDay = '';

export function utcDay(ms: number): string {
  const n = Math.floor(ms / DAY_MS);
  if (n !== lastDayNumber) {
    lastDay = new Date(n * DAY_MS).toISOString().slice(0, 10);
    lastDayNumber = n;
  }
  return lastDay;
}

export function dayStartMs(day: string): number {
  return Date.parse(`${day}T00:00:00.000Z`);
}

export function partitionFileName(key: PartitionKey): string {
  return `${key.day}.${key.className}.db`;
}

/** Null for files that are not partitions (WAL/SHM side files, strays). */
export function parsePartitionFileName(name: string): PartitionKey | null {
  const m = FILE.exec(name);
  if (!m || !m[1] || !m[2]) return null;
  // A date Date.parse refuses (month 13, day 32) is NaN, which utcDay cannot format.
  const start = dayStartMs(m[1]);
  if (!Number.isFinite(start) || utcDay(start) !== m[1]) return null;
  return { day: m[1], className: m[2] };
}

/** Last millisecond the partition can hold. */
export function dayEndMs(day: string): number {
  return dayStartMs(day) + DAY_MS - 1;
}
