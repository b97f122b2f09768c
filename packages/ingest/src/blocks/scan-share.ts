/**
 * What the two halves of a query split between the reader threads
 * (split-query.ts) tell each other while both run: Int32 slots over a
 * SharedArrayBuffer, which postMessage shares between threads rather than
 * copies. Without it each half would count to the total's limit on its
 * own, and the older half would walk for a page the newer half had filled.
 */
export type ScanShare = Int32Array;

/** Matches both halves have counted so far (each adds its own as it counts). */
const COUNTED = 0;
/** 1 once the half that comes first in page order holds a whole page. */
const PAGE_FULL = 1;

export function newScanShare(): ScanShare {
  return new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
}

export function addCounted(share: ScanShare, n: number): void {
  if (n > 0) Atomics.add(share, COUNTED, n);
}

export function countedSoFar(share: ScanShare): number {
  return Atomics.load(share, COUNTED);
}

export function markPageFull(share: ScanShare): void {
  Atomics.store(share, PAGE_FULL, 1);
}

export function isPageFull(share: ScanShare): boolean {
  return Atomics.load(share, PAGE_FULL) === 1;
}
