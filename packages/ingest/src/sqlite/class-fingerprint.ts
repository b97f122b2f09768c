import { createHash } from 'node:crypto';
import type { RetentionConfig } from '../retention/retention-config.js';

/**
 * A short hash of the retention classes (names and queries). A partition
 * records the fingerprints its events were classified under, so a write
 * knows whether an event.id could sit in another class's partition of the
 * same day (only when the classes changed in between) and must be looked
 * for there too. Both stores compute it here so they agree.
 */
export function classFingerprintOf(retention: Pick<RetentionConfig, 'classes'>): string {
  return createHash('sha256')
    .update(JSON.stringify(retention.classes.map((c) => [c.name, c.match])))
    .digest('base64url')
    .slice(0, 16);
}
