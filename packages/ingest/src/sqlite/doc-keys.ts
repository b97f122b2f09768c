/**
 * The per-partition dictionary of `doc` keys. Field names repeat in every
 * event (`http_user_agent`, `__MONOTONIC_TIMESTAMP`, `journald.cursor`) and
 * were a third of the stored bytes; `doc` JSON uses short codes instead
 * (`0`, `1`, … `z`, `10`, base 36), mapped in the `doc_keys` table.
 *
 * A side effect that matters for safety: every JSON path the SQL compiler
 * binds is `$."<code>"` with a code of [0-9a-z], so no user-supplied field
 * name ever reaches SQLite's JSON path parser.
 */
import type Database from 'better-sqlite3';
import { fieldNameMatches } from '@logship/query/core';
import { storeError } from '../store/store-error.js';

/** A path that matches no key: codes never contain `-`. */
export const NO_SUCH_PATH = '$."-"';

export class DocKeys {
  private readonly codes = new Map<string, string>();
  private readonly names = new Map<string, string>();

  private readonly countKeys: Database.Statement;
  /**
   * Inside lookup(): whether the table was compared with this map already
   * (a name the map then lacks is not in the table); null outside.
   */
  private compared: boolean | null = null;

  constructor(private readonly db: Database.Database) {
    this.countKeys = db.prepare('SELECT count(*) AS n FROM doc_keys');
    this.reload();
  }

  /** Re-reads the table: after a rolled-back insert, or when another process added keys. */
  reload(): void {
    // Read just now: within a lookup(), as good as compared.
    if (this.compared !== null) this.compared = true;
    this.codes.clear();
    this.names.clear();
    for (const row of this.db.prepare('SELECT code, name FROM doc_keys').all() as { code: string; name: string }[]) {
      this.codes.set(row.name, row.code);
      this.names.set(row.code, row.name);
    }
  }

  /** The code for a key, creating it (inside the caller's transaction). */
  codeFor(name: string): string {
    let code = this.codes.get(name);
    if (code === undefined) {
      code = this.codes.size.toString(36);
      this.db.prepare('INSERT INTO doc_keys (code, name) VALUES (?, ?)').run(code, name);
      this.codes.set(name, code);
      this.names.set(code, name);
    }
    return code;
  }

  /**
   * Runs `fn`, whose lookups (one statement's parameters) compare the
   * table with this map at most once between them: a free-text query names
   * ~20 text fields, most of which a partition lacks, and each lacking one
   * counted the table again (a tenth of a fuzzed query's reader time).
   */
  lookup<T>(fn: () => T): T {
    this.compared = false;
    try {
      return fn();
    } finally {
      this.compared = null;
    }
  }

  /** The JSON path of a key in `doc`, or NO_SUCH_PATH when no event here has it. */
  pathOf(name: string): string {
    let code = this.codes.get(name);
    if (code === undefined && this.grew()) {
      // Another process (the server) may have added it since we loaded.
      this.reload();
      code = this.codes.get(name);
    }
    return code === undefined ? NO_SUCH_PATH : `$."${code}"`;
  }

  /**
   * The table holds keys this map has not read (it only grows). Counted
   * before reloading: a query naming a field some partitions lack (most
   * queries over several days; every one after a field explosion) reloaded
   * the whole table for each such partition and field. Within lookup(),
   * counted once.
   */
  private grew(): boolean {
    if (this.compared === true) return false;
    const { n } = this.countKeys.get() as { n: number };
    if (this.compared === false && n === this.codes.size) this.compared = true;
    return n !== this.codes.size;
  }

  /** The JSON paths of every key starting with `prefix` (`http.`) that an event here has. */
  pathsUnder(prefix: string): string[] {
    // Another process (the server) may have added one since we loaded: the table only grows.
    if (this.grew()) this.reload();
    const paths: string[] = [];
    for (const [name, code] of this.codes) if (name.startsWith(prefix)) paths.push(`$."${code}"`);
    return paths;
  }

  /** The JSON paths of every key an event here has whose name matches a field-name pattern, except `except`. */
  pathsMatching(pattern: string, except: readonly string[]): string[] {
    if (this.grew()) this.reload();
    const skip = new Set(except);
    const paths: string[] = [];
    for (const [name, code] of this.codes) if (!skip.has(name) && fieldNameMatches(pattern, name)) paths.push(`$."${code}"`);
    return paths;
  }

  nameOf(code: string): string {
    let name = this.names.get(code);
    if (name === undefined) {
      this.reload();
      name = this.names.get(code);
    }
    // The table only grows: a code it lacks is a damaged file, which reads leave out (partition-damage.ts).
    if (name === undefined) throw storeError('LS_STORE_CORRUPT_PARTITION', `doc key code ${code} is not in doc_keys`);
    return name;
  }
}
