/**
 * The partitions the store knows (from the folder listing) and a bounded
 * set of open connections to them. Each open partition costs three file
 * descriptors (db, -wal, -shm) and its page cache; a year of an `audit`
 * class would otherwise exhaust the default limit of 1024 descriptors. The
 * least recently used connection is closed when more than OPEN_PARTITIONS
 * are open, except those the store pins: an uncommitted group-commit
 * transaction, a partition a query is reading (blocks/read-snapshots.ts).
 * Opening trims, so a query over more days than that reads within it, and
 * a query over fewer finds its partitions open from the last one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { storeError } from '../store/store-error.js';
import { PartitionDb } from './partition-db.js';
import { noDescriptorError } from './partition-damage.js';
import { isLocked, lockedPartitionError } from './locked-partition.js';
import { accessDenied, deniedPartitionError, type PartitionAccess } from './denied-partition.js';
import { partitionFileName, type PartitionKey } from './partition-name.js';
import { syncPath } from '../store/sync-path.js';

/** Connections a thread's pool keeps open at most, with descriptors to spare. */
export const MAX_OPEN_PARTITIONS = 64;

/**
 * Pools of one server: the main thread's, the writer's and the two reader
 * threads' (open-sqlite-store.ts DEFAULT_READER_THREADS), each its own
 * connections to the same files.
 */
const POOLS = 4;

/**
 * Connections a pool keeps open under a descriptor limit of `limit`: its
 * share of half the limit (three descriptors a partition), the other half
 * left to connections, logs and the rest, at most MAX_OPEN_PARTITIONS and
 * at least 8. Under the usual 1024, 42: the pools' 504 descriptors and the
 * server's ~40 others (test/src/server-many-days.test.ts). Node raises the
 * soft limit to the hard one as it starts, so `limit` is the hard limit
 * the server was started with (systemd's LimitNOFILE, `ulimit -n`).
 */
export function openPartitionsFor(limit: number): number {
  return Math.max(8, Math.min(MAX_OPEN_PARTITIONS, Math.floor(limit / 2 / 3 / POOLS)));
}

/** This process's limit on open files (Linux's /proc/self/limits; elsewhere taken as ample). */
function descriptorLimit(): number {
  try {
    const line = /^Max open files\s+(\d+|unlimited)/m.exec(fs.readFileSync('/proc/self/limits', 'utf8'));
    return line?.[1] === undefined || line[1] === 'unlimited' ? Infinity : Number(line[1]);
  } catch {
    return Infinity;
  }
}

/** The pools' default cap in this process (openPartitionsFor its descriptor limit). */
export const OPEN_PARTITIONS = openPartitionsFor(descriptorLimit());

/** Partitions one group commit (either format's writer) holds open transactions on at most: half the pool, the rest for reads and dedupe probes. */
export const MAX_OPEN_TRANSACTIONS = Math.floor(OPEN_PARTITIONS / 2);

/** What the pool needs of a connection (PartitionDb, or the block store's BlockPartition). */
export interface PooledDb {
  close(): void;
}

export type OpenPartition<D> = (file: string, key: PartitionKey, opts: { create: boolean; mmap: boolean }) => D;

const openPartitionDb: OpenPartition<PartitionDb> = (file, key, opts) => new PartitionDb(file, key, opts);

export class PartitionHandle<D extends PooledDb = PartitionDb> {
  private handle: D | null = null;
  /** Its connection was opened on a file this process may read but not write: SQLite opened it read-only. */
  private readOnly = false;

  constructor(
    readonly key: PartitionKey,
    readonly name: string,
    readonly file: string,
    private readonly pool: PartitionPool<D>,
  ) {}

  /** The connection for reading (reads, a write's dedupe probe), opened on demand (the file must exist). */
  get db(): D {
    return this.open(false);
  }

  /** The open connection, if any, without opening or touching it. */
  get current(): D | null {
    return this.handle;
  }

  /**
   * Opens, creating the file when `create`; fsyncs the folder for a new
   * file. `need` (default: write when creating, else read) says what the
   * caller will do: a file this process may read but not write is opened
   * for reads (read-only), refused (LS_STORE_PARTITION_DENIED) for writes;
   * a read-only connection asked for a write is closed and opened again,
   * so that a file given back since (chown) is written without a restart.
   */
  open(create: boolean, need: PartitionAccess = create ? 'write' : 'read'): D {
    if (this.handle && this.readOnly && need === 'write') this.pool.release(this.name);
    if (this.handle) {
      this.pool.touch(this);
      return this.handle;
    }
    const isNew = create && !fs.existsSync(this.file);
    // Room first: at the cap, the connection to close goes before this one comes.
    this.pool.trim(undefined, 1);
    this.handle = this.openOrExplain(create, need);
    this.readOnly = need === 'read' && accessDenied(this.file) !== null;
    // The new file's directory entry must be durable too, or a power loss
    // could lose a partition whose rows were fsync'd.
    if (isNew) this.pool.syncDir();
    this.pool.opened(this);
    return this.handle;
  }

  /**
   * SQLite says "unable to open database file" both for a file that is not
   * a database and for a process out of descriptors; the second is no
   * damage: called damaged, its day was left out of searches and the
   * operator was told to move a sound file aside. A failed open closes the
   * pool's idle connections and tries once more (another thread may have
   * freed descriptors meanwhile, too); failing again, the file is judged.
   * A file another process holds locked is neither (LS_STORE_PARTITION_LOCKED),
   * nor is one this process may not read or write (LS_STORE_PARTITION_DENIED).
   */
  private openOrExplain(create: boolean, need: PartitionAccess): D {
    const opts = { create, mmap: this.pool.mmap };
    // Asked first: SQLite opens a file it may read but not write read-only, silently, and the
    // connection stays so after a chown gave the file back: its writes failed until a restart
    // (a read's connection is so on purpose, and open() replaces it for a write).
    const denied = deniedPartitionError(this.file, undefined, need);
    if (denied) throw denied;
    try {
      return this.pool.openDb(this.file, this.key, opts);
    } catch (err) {
      // Held by another process (locked-partition.ts): not tried again, which only waited as long once more.
      if (isLocked(err)) throw lockedPartitionError(this.file, err);
      // A file this user may not read or write (denied-partition.ts): no damage, and trying again changes nothing.
      const denied = deniedPartitionError(this.file, err, need);
      if (denied) throw denied;
      this.pool.trim();
    }
    try {
      return this.pool.openDb(this.file, this.key, opts);
    } catch (err) {
      if (isLocked(err)) throw lockedPartitionError(this.file, err);
      throw deniedPartitionError(this.file, err, need) ?? noDescriptorError(this.file, err) ?? storeError('LS_STORE_CORRUPT_PARTITION', `cannot open ${this.file}: ${(err as Error).message}`, err);
    }
  }

  close(): void {
    this.handle?.close();
    this.handle = null;
  }
}

export class PartitionPool<D extends PooledDb = PartitionDb> {
  /** Every known partition by file name; iteration order is irrelevant. */
  readonly known = new Map<string, PartitionHandle<D>>();
  /** Open handles, least recently used first. */
  private readonly lru = new Map<string, PartitionHandle<D>>();
  /** Connections opened so far, and the most open at once after a trim (tests). */
  opens = 0;
  peakOpen = 0;

  constructor(
    readonly dir: string,
    /** Handles that must stay open (open transactions). */
    readonly pinned: (h: PartitionHandle<D>) => boolean,
    readonly maxOpen = OPEN_PARTITIONS,
    /** Whether its connections map their files (open-partition-file.ts MMAP_BYTES). */
    readonly mmap = true,
    /** Opens a connection (default: the row store's PartitionDb). */
    readonly openDb: OpenPartition<D> = openPartitionDb as unknown as OpenPartition<D>,
  ) {}

  get(key: PartitionKey): PartitionHandle<D> {
    const name = partitionFileName(key);
    let h = this.known.get(name);
    if (!h) {
      h = new PartitionHandle<D>(key, name, path.join(this.dir, name), this);
      this.known.set(name, h);
    }
    return h;
  }

  forget(name: string): void {
    const h = this.known.get(name);
    h?.close();
    this.known.delete(name);
    this.lru.delete(name);
  }

  /** Closes the partition's connection, keeping it known: a file found damaged stays listed as such. */
  release(name: string): void {
    this.known.get(name)?.close();
    this.lru.delete(name);
  }

  touch(h: PartitionHandle<D>): void {
    this.lru.delete(h.name);
    this.lru.set(h.name, h);
  }

  opened(h: PartitionHandle<D>): void {
    this.opens++;
    this.touch(h);
    this.trim(h);
    this.peakOpen = Math.max(this.peakOpen, this.lru.size);
  }

  /** Closes least recently used connections beyond the limit, less `room` (not `keep`, not pinned). */
  trim(keep?: PartitionHandle<D>, room = 0): void {
    const most = Math.max(0, this.maxOpen - room);
    if (this.lru.size <= most) return;
    for (const victim of [...this.lru.values()]) {
      if (this.lru.size <= most) break;
      if (victim === keep || this.pinned(victim)) continue;
      victim.close();
      this.lru.delete(victim.name);
    }
  }

  /** How many connections are open (for tests and metrics). */
  get openCount(): number {
    return this.lru.size;
  }

  closeAll(): void {
    for (const h of this.known.values()) h.close();
    this.lru.clear();
  }

  syncDir(): void {
    syncPath(this.dir);
  }
}
