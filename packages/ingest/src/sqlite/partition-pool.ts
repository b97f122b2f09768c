/**
 * The partitions the store knows (from the folder listing) and a bounded
 * set of open connections to them. Each open partition costs three file
 * descriptors (db, -wal, -shm) and its page cache; a year of an `audit`
 * class would otherwise exhaust the default limit of 1024 descriptors. The
 * least recently used connection is closed when more than MAX_OPEN are
 * open, except those holding an uncommitted group-commit transaction.
 */
import fs from 'node:fs';
import path from 'node:path';
import { storeError } from '../store/store-error.js';
import { PartitionDb } from './partition-db.js';
import { partitionFileName, type PartitionKey } from './partition-name.js';

export const MAX_OPEN_PARTITIONS = 64;

export class PartitionHandle {
  private handle: PartitionDb | null = null;

  constructor(
    readonly key: PartitionKey,
    readonly name: string,
    readonly file: string,
    private readonly pool: PartitionPool,
  ) {}

  /** The connection, opened on demand (the file must exist). */
  get db(): PartitionDb {
    return this.open(false);
  }

  /** The open connection, if any, without opening or touching it. */
  get current(): PartitionDb | null {
    return this.handle;
  }

  /** Opens, creating the file when `create`; fsyncs the folder for a new file. */
  open(create: boolean): PartitionDb {
    if (this.handle) {
      this.pool.touch(this);
      return this.handle;
    }
    const isNew = create && !fs.existsSync(this.file);
    try {
      this.handle = new PartitionDb(this.file, this.key, { create, mmap: this.pool.mmap });
    } catch (err) {
      throw storeError('LS_STORE_CORRUPT_PARTITION', `cannot open ${this.file}: ${(err as Error).message}`, err);
    }
    // The new file's directory entry must be durable too, or a power loss
    // could lose a partition whose rows were fsync'd.
    if (isNew) this.pool.syncDir();
    this.pool.opened(this);
    return this.handle;
  }

  close(): void {
    this.handle?.close();
    this.handle = null;
  }
}

export class PartitionPool {
  /** Every known partition by file name; iteration order is irrelevant. */
  readonly known = new Map<string, PartitionHandle>();
  /** Open handles, least recently used first. */
  private readonly lru = new Map<string, PartitionHandle>();

  constructor(
    readonly dir: string,
    /** Handles that must stay open (open transactions). */
    private readonly pinned: (h: PartitionHandle) => boolean,
    private readonly maxOpen = MAX_OPEN_PARTITIONS,
    /** Whether its connections map their files (partition-db.ts MMAP_BYTES). */
    readonly mmap = true,
  ) {}

  get(key: PartitionKey): PartitionHandle {
    const name = partitionFileName(key);
    let h = this.known.get(name);
    if (!h) {
      h = new PartitionHandle(key, name, path.join(this.dir, name), this);
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

  touch(h: PartitionHandle): void {
    this.lru.delete(h.name);
    this.lru.set(h.name, h);
  }

  opened(h: PartitionHandle): void {
    this.touch(h);
    this.trim(h);
  }

  /** Closes least recently used connections beyond the limit (not `keep`, not pinned). */
  trim(keep?: PartitionHandle): void {
    if (this.lru.size <= this.maxOpen) return;
    for (const victim of [...this.lru.values()]) {
      if (this.lru.size <= this.maxOpen) break;
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
    const fd = fs.openSync(this.dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }
}
