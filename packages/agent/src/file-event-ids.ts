import { createHash } from 'node:crypto';
import type { CheckpointStore } from './checkpoint-store.js';

/**
 * How a tail writes the event ids of its file (event-id.ts):
 * `f:<identity>[~<source>][@<host>]:<offset>`.
 *
 * - `sortFrom`: lines before it were read by an agent of the plain-offset
 *   form and keep it (`legacy_ids_below`).
 * - `source`: the source's name when another source reads the file too
 *   (shared-files.ts, `id_source`).
 * - `host`, from `hostFrom` on: a tag of the agent's `host`. The identity is
 *   a checksum of the file's first line, so two hosts whose files start
 *   and go on alike (one fleet's cron job writing `Backup started` first)
 *   gave their lines the same ids, and ingest dropped the second host's as
 *   duplicates (the same id and time, or a line without a time of its own).
 *   Kept in the checkpoint (`id_host`), so that renaming the host does not
 *   change the ids of a file read on; a position an earlier agent wrote
 *   keeps ids without it for the lines that agent can have read
 *   (`host_ids_from`, the file's size when the upgraded agent first opens it).
 */
export interface EventIds {
  readonly sortFrom: number;
  readonly source: string;
  readonly host: string;
  readonly hostFrom: number;
}

export const PLAIN_IDS: EventIds = { sortFrom: 0, source: '', host: '', hostFrom: 0 };

/** The tag of a host in event ids: short, fixed length, the same wherever that name is. */
export function hostTag(host: string): string {
  return createHash('sha256').update(host).digest('hex').slice(0, 8);
}

/**
 * The ids of the position `key` (`<source>:<identity>`), deciding what it
 * does not hold yet and writing that into it. `source` decides the source
 * name for a position without one (SharedFiles.idSource). `fixed`: a bound
 * was fixed for a position an earlier agent wrote; the caller makes it
 * durable before any line past it is sent (a crash would fix it again
 * further on, and lines sent meanwhile would come back under other ids).
 */
export function fileEventIds(
  checkpoints: CheckpointStore, key: string, sizeNow: number, host: string, source: (positioned: boolean) => string,
): { ids: EventIds; fixed: boolean } {
  const sort = checkpoints.fileIdsSortFrom(key, sizeNow);
  const entry = checkpoints.get(key);
  const idSource = entry?.id_source ?? source(entry !== undefined);
  let idHost = entry?.id_host;
  let hostFrom = entry?.host_ids_from ?? 0;
  const decided = entry?.id_source === undefined || idHost === undefined;
  if (idHost === undefined) {
    idHost = hostTag(host);
    // A position an earlier agent wrote: it read at most what the file holds now.
    if (entry !== undefined) hostFrom = sizeNow;
  }
  if (decided) checkpoints.set(key, { id_source: idSource, id_host: idHost, ...(hostFrom > 0 ? { host_ids_from: hostFrom } : {}) });
  return { ids: { sortFrom: sort.from, source: idSource, host: idHost, hostFrom }, fixed: sort.fixed || (decided && entry !== undefined) };
}
