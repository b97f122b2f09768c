/**
 * What the two lanes of a query split between the reader threads
 * (split-query.ts) tell each other while both run: Int32 slots over a
 * SharedArrayBuffer, which postMessage shares between threads rather than
 * copies.
 *
 * The lanes take the query's days one at a time: the leading lane from the
 * front of the page order (the newest day first for desc), the trailing
 * lane from the back, each taking a day by one atomic add on the count of
 * days taken, so a day is one lane's and the leading lane's days all come
 * before the trailing lane's. The leading lane starts alone; the trailing
 * one is sent only if the query is still running a moment later, and takes
 * what is left.
 */
export type ScanShare = Int32Array;

/** Matches both lanes have counted so far (each adds its own as it counts). */
const COUNTED = 0;
/** 1 once the leading lane holds a whole page. */
const PAGE_FULL = 1;
/** Days taken by either lane. */
const TAKEN = 2;

export function newScanShare(): ScanShare {
  return new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT));
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

/**
 * One lane's days of `n` (indexes in the query's day order): `has(i)`
 * says whether day i is this lane's, taking it if it is the next one the
 * lane would take and no lane has taken it. The leading lane asks in
 * ascending order, the trailing lane in descending order.
 */
export class DayClaims {
  /** Leading: days [0, next) are this lane's. Trailing: days (next, n - 1]. */
  private next: number;

  constructor(
    private readonly share: ScanShare,
    private readonly n: number,
    readonly leads: boolean,
  ) {
    this.next = leads ? 0 : n - 1;
  }

  has(i: number): boolean {
    if (this.leads ? i < this.next : i > this.next) return true;
    if (i !== this.next) return false;
    if (Atomics.add(this.share, TAKEN, 1) >= this.n) return false;
    this.next += this.leads ? 1 : -1;
    return true;
  }

  /** The trailing lane's first day (every day from it on is its own), n when it has none. */
  get firstTrailing(): number {
    return this.next + 1;
  }

  /** Days this lane took. */
  get taken(): number {
    return this.leads ? this.next : this.n - 1 - this.next;
  }
}

/**
 * Closes the days to both lanes once the leading lane has answered, and
 * says whether the trailing lane took any: if not, its answer is not
 * waited for (it has nothing to add, and now can take nothing).
 */
export function closeDays(share: ScanShare, n: number, takenByLead: number): boolean {
  return Atomics.add(share, TAKEN, n) > takenByLead;
}
