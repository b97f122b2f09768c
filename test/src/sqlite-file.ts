/**
 * A partition file opened with the server's own better-sqlite3 (test/ has no
 * dependency of its own on it): to damage, lock or read a store's files the
 * way another process would.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { repoRoot } from './harness.js';

/** What the tests use of a better-sqlite3 connection. */
export interface SqliteFile {
  pragma(sql: string, opts?: { simple: true }): unknown;
  exec(sql: string): void;
  prepare(sql: string): { get(): unknown };
  close(): void;
  readonly open: boolean;
}

const Database = createRequire(join(repoRoot, 'packages/ingest/package.json'))('better-sqlite3') as new (file: string, opts?: { readonly?: boolean }) => SqliteFile;

/** Opens `file` as another process would (read-only with `{ readonly: true }`). */
export function openSqlite(file: string, opts: { readonly?: boolean } = {}): SqliteFile {
  return new Database(file, opts);
}
