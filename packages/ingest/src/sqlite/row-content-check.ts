import Database from 'better-sqlite3';

/**
 * Reads what SQLite's quick_check does not of a row partition (the values
 * of its rows) on a connection of its own, and says what is wrong: an
 * event's `doc` that is not a JSON object (a row overwritten inside a valid
 * page, a file edited by hand), a key code no `doc_keys` row names. Such a
 * row fails the read that reaches it ("malformed JSON" from SQLite's JSON
 * functions, or our decoding), and without this check the whole answer was
 * a 500 naming neither the file nor what to do. Null when every row reads.
 * Run only after a read failed so, to find which file of its range it was.
 */
export function rowContentCheck(file: string): string | null {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const bad = db.prepare("SELECT rid FROM events WHERE doc IS NOT NULL AND (json_valid(doc) = 0 OR json_type(doc) <> 'object') LIMIT 1").get() as { rid: number } | undefined;
    if (bad) return `the fields of event row ${bad.rid} are not a JSON object`;
    const unknown = db
      .prepare('SELECT DISTINCT j.key AS code FROM events, json_each(events.doc) AS j WHERE events.doc IS NOT NULL AND j.key NOT IN (SELECT code FROM doc_keys) LIMIT 1')
      .get() as { code: string } | undefined;
    if (unknown) return `field code ${unknown.code} of stored events is not in doc_keys`;
    return null;
  } catch (err) {
    if ((err as { code?: unknown }).code === 'SQLITE_BUSY') return null;
    return (err as Error).message;
  } finally {
    db?.close();
  }
}
