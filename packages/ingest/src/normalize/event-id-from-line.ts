import { hash } from 'node:crypto';

/**
 * A deterministic id for an event that arrived without one (e.g. posted by
 * curl): the same line posted twice is the same event, so re-posting is
 * idempotent. 128 bits of SHA-256, base64url.
 *
 * The one-shot crypto.hash (Node ≥ 20.12) rather than createHash(): no Hash
 * object per line, ~0.4 µs a line instead of ~1 µs, on the thread that
 * parses every line of every batch.
 */
export function eventIdFromLine(line: string): string {
  return hash('sha256', line, 'base64url').slice(0, 22);
}
