import type { JournaldSourceConfig } from './config.js';
import type { CheckpointEntry } from './checkpoint-store.js';

/**
 * Where a journald source without an acknowledged entry reads from, decided
 * once, when the source is first seen, and kept in its checkpoint
 * (`read_since_us`) until an entry is acknowledged:
 *
 *   first seen (no checkpoint) ─► since = now − max_age_s      (beginning)
 *                                 since = now                  (end)
 *                                 since = 0, the first entry   (max_age_s 0; a folder that appeared)
 *   restart, no cursor yet     ─► the kept since
 *   restart with a cursor      ─► after the cursor (since plays no part)
 *
 * Computed again at each start, `max_age_s` was measured from the restart:
 * a folder read from its first entry, or a source added with a day to read
 * back, lost what was older than max_age_s before the restart, unshipped.
 */
export interface JournalReadStart {
  /** Epoch microseconds journalctl reads from (`--since`), or null: from the journal's first entry. */
  readonly sinceUs: number | null;
  /** True when this start first saw the source: the position is to be written before journalctl runs. */
  readonly firstSeen: boolean;
}

export function journalReadStart(config: JournaldSourceConfig, saved: CheckpointEntry | undefined, nowMs: number): JournalReadStart {
  const kept = saved?.read_since_us;
  if (typeof kept === 'number') return { sinceUs: kept === 0 ? null : kept, firstSeen: false };
  const nowUs = Math.floor(nowMs) * 1000;
  if (config.start_position === 'end') return { sinceUs: nowUs, firstSeen: true };
  return { sinceUs: config.max_age_s > 0 ? nowUs - config.max_age_s * 1_000_000 : null, firstSeen: true };
}

/** journalctl's `--since` for epoch microseconds: `@<seconds>.<micro>` (systemd parses fractional seconds). */
export function sinceArg(us: number): string {
  return `--since=@${Math.floor(us / 1_000_000)}.${String(us % 1_000_000).padStart(6, '0')}`;
}
