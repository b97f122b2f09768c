import { createHash } from 'node:crypto';

/**
 * A deterministic id for an event that arrived without one (e.g. posted by
 * curl): the same line posted twice is the same event, so re-posting is
 * idempotent. 128 bits of SHA-256, base64url.
 */
export function eventIdFromLine(line: string): string {
  return createHash('sha256').update(line).digest('base64url').slice(0, 22);
}
