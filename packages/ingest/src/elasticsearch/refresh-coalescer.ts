/**
 * Makes acknowledged writes searchable with as few `_refresh` calls as
 * correctness allows:
 *
 *   write A acked ─► request([a]) ─► refresh #1 [a] starts at once ──────► A resolves
 *   write B acked ─► request([b]) ─┐  (#1 is running: B waits)
 *   write C acked ─► request([c]) ─┴► refresh #2 [b, c] starts when #1 ends ─► B, C resolve
 *
 * At most one refresh is in flight, so under steady ingest the cluster sees
 * one refresh per refresh duration, not one per write (a refresh per write
 * would flood the indices with tiny segments).
 *
 * A request made while a refresh runs is never served by that refresh: it
 * may have started before the request's documents were acknowledged, so it
 * need not cover them. The request joins the next refresh instead, which
 * starts as soon as the running one ends and covers the union of every
 * index asked for meanwhile.
 *
 * A refresh that fails rejects exactly the requests it was serving; the next
 * refresh is unaffected. What a failure means for a write is the caller's
 * decision (elasticsearch-store.ts).
 */

/** Refreshes the named indices; resolves once their acknowledged documents are searchable. */
export type RefreshIndices = (indices: string[]) => Promise<void>;

interface Round {
  indices: Set<string>;
  promise: Promise<void>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

function newRound(): Round {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { indices: new Set(), promise, resolve, reject };
}

export class RefreshCoalescer {
  private readonly refresh: RefreshIndices;
  private running = false;
  /** The refresh the next requests join; it starts when the running one ends. */
  private next: Round | null = null;

  constructor(refresh: RefreshIndices) {
    this.refresh = refresh;
  }

  /**
   * Resolves once a refresh that started after this call has covered
   * `indices`; rejects with that refresh's error if it fails.
   */
  request(indices: Iterable<string>): Promise<void> {
    const wanted = [...indices];
    if (wanted.length === 0) return Promise.resolve();
    const round = (this.next ??= newRound());
    for (const name of wanted) round.indices.add(name);
    if (!this.running) this.startNext();
    return round.promise;
  }

  private startNext(): void {
    const round = this.next;
    if (!round) return;
    // Taken out before the refresh is called, so every later request
    // builds the following round instead of joining this one.
    this.next = null;
    this.running = true;
    let done: Promise<void>;
    try {
      done = this.refresh([...round.indices]);
    } catch (err) {
      done = Promise.reject(err);
    }
    done.then(round.resolve, round.reject).finally(() => {
      this.running = false;
      this.startNext();
    });
  }
}
