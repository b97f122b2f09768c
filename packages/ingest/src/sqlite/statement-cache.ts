/**
 * A partition connection's prepared statements, the most recently used
 * kept: queries are compiled to SQL text per request, and preparing the
 * same text again for every page of a search costs more than running it.
 * Apart from partition-db.ts, which reads and writes through it.
 */
import type Database from 'better-sqlite3';

const STATEMENT_CACHE = 256;

export class StatementCache {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  /** The statement for `sql`, prepared on first use and kept among the STATEMENT_CACHE most recent. */
  get(sql: string): Database.Statement {
    let stmt = this.statements.get(sql);
    if (stmt) {
      // Map order doubles as recency order for the small LRU.
      this.statements.delete(sql);
    } else {
      stmt = this.db.prepare(sql);
      if (this.statements.size >= STATEMENT_CACHE) {
        const oldest = this.statements.keys().next().value;
        if (oldest !== undefined) this.statements.delete(oldest);
      }
    }
    this.statements.set(sql, stmt);
    return stmt;
  }

  clear(): void {
    this.statements.clear();
  }
}
