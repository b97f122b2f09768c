import type { FileHandle } from 'node:fs/promises';

/**
 * Whether a file starts with the magic bytes of a compressor: gzip, zstd,
 * bzip2, xz or lz4. A glob that catches rotated files (`access.log*`, for
 * the copy of a copytruncate rotation) also catches the ones logrotate's
 * `compress` made from them; read as lines, each would be events of binary
 * noise (and the whole backlog of them at the first start).
 */
const MAGIC: readonly Buffer[] = [
  Buffer.from([0x1f, 0x8b]),
  Buffer.from([0x28, 0xb5, 0x2f, 0xfd]),
  Buffer.from('BZh'),
  Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]),
  Buffer.from([0x04, 0x22, 0x4d, 0x18]),
];

export async function isCompressed(fh: FileHandle): Promise<boolean> {
  const buf = Buffer.alloc(6);
  const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
  return MAGIC.some((m) => bytesRead >= m.length && buf.subarray(0, m.length).equals(m));
}
