import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';

/**
 * A file's identity is a checksum of its first line (at most
 * FINGERPRINT_BYTES bytes), as Vector does: it survives rename, copy and
 * moves between devices, and differs once a file is truncated and rewritten.
 * Until a file has a complete first line its identity is unknown; once such
 * a head has been idle long enough the device+inode pair stands in
 * (file-identity.ts).
 */
export const FINGERPRINT_BYTES = 256;

/** `c:<hash>` from the first line, or null when the head is incomplete. */
export async function fingerprint(fh: FileHandle): Promise<string | null> {
  const buf = Buffer.alloc(FINGERPRINT_BYTES);
  const { bytesRead } = await fh.read(buf, 0, FINGERPRINT_BYTES, 0);
  const nl = buf.subarray(0, bytesRead).indexOf(10);
  if (nl < 0 && bytesRead < FINGERPRINT_BYTES) return null;
  const head = buf.subarray(0, nl < 0 ? bytesRead : nl + 1);
  return `c${createHash('sha256').update(head).digest('hex').slice(0, 20)}`;
}
