/**
 * PLACEHOLDER until CODEC's bloom.ts is merged (branch `codec`): the API of
 * CONTRACTS.md §1 with a plain bloom filter, so the store can be built and
 * tested meanwhile. Replaced wholesale by the merge.
 */
const K = 3;

function hashes(key: string): number[] {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 + c, 0x5bd1e995) >>> 0;
    h2 ^= h2 >>> 13;
  }
  return Array.from({ length: K }, (_, i) => (h1 + i * (h2 | 1)) >>> 0);
}

export function buildBloom(keys: Iterable<string>, count: number): Uint8Array {
  const bits = Math.max(64, Math.ceil(count * 10));
  const out = new Uint8Array(Math.ceil(bits / 8));
  const n = out.length * 8;
  for (const key of keys) for (const h of hashes(key)) out[(h % n) >> 3]! |= 1 << (h % n & 7);
  return out;
}

export function bloomMayContain(bloom: Uint8Array, key: string): boolean {
  const n = bloom.length * 8;
  if (n === 0) return true;
  return hashes(key).every((h) => ((bloom[(h % n) >> 3] ?? 0) & (1 << (h % n & 7))) !== 0);
}

export function textKey(token: string): string {
  return token;
}

export function valueKey(value: string | number | boolean): string {
  return typeof value === 'string' ? `s:${value}` : typeof value === 'number' ? `n:${String(value)}` : `b:${String(value)}`;
}
