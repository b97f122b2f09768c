import { eventIdFromLine } from '../../../normalize/event-id-from-line.js';
import { errors } from '../../errors.js';
import { parseJson } from '../../../normalize/parse-json.js';
import type { IngestItem } from '../../ingest-batch.js';
import { splitLines } from '../../split-lines.js';
import { indexNameProblem } from './index-name-problem.js';

/*
 * An Elasticsearch _bulk body ─► one item per action:
 *
 *   {"index"|"create": {"_index", "_id"}} \n {document} ─► envelope: the document (structured),
 *        meta { event.id: _id, es.index: _index }
 *   {"update"|"delete": …} (+ its line) ─► failed item (logship stores, it does not edit)
 *   index or create naming no index (neither _index nor the path) ─► failed item, as Elasticsearch refuses it
 *   index or create naming an index Elasticsearch refuses (`Logs`, `a b`, `_x`) ─► failed item, its words
 *   index or create with an _id over 512 bytes ─► failed item, as Elasticsearch refuses it
 *
 * An action line that is not JSON makes the rest of the body unreadable
 * (which line is an action?), so, as Elasticsearch does, the whole request
 * is refused (LS_INGEST_BULK_BAD_ACTION, 400) and nothing is stored.
 */

export type BulkOp = 'index' | 'create' | 'update' | 'delete';

export interface BulkAction {
  op: BulkOp;
  index: string;
  /**
   * The id answered to the client: its _id or the document's event.id; ''
   * when it gave neither: the event's content id then (normalize/content-id.ts),
   * known once it is normalized (IngestOutcome.ids), else `derivedId()`.
   */
  id: string;
  /** With id '': the document's text, for derivedId when it was not normalized. */
  doc?: string;
}

/** The answered id of an item that sent none and was not normalized: a hash of index and document, as before content ids. */
export function derivedId(index: string, docText: string): string {
  return eventIdFromLine(`es\n${index}\n${docText}`);
}

export interface DecodedBulk {
  items: IngestItem[];
  /** Parallel to items. */
  actions: BulkAction[];
}

const OPS: ReadonlySet<string> = new Set(['index', 'create', 'update', 'delete']);

/** Elasticsearch's IndexRequest.MAX_DOCUMENT_ID_LENGTH_IN_BYTES. */
const MAX_ID_BYTES = 512;

export function decodeBulk(body: Buffer, defaultIndex: string | undefined): DecodedBulk {
  const items: IngestItem[] = [];
  const actions: BulkAction[] = [];
  const lines = splitLines(body);
  for (let next = lines.next(); !next.done; next = lines.next()) {
    const actionLine = next.value;
    let parsed: unknown;
    try {
      parsed = JSON.parse(actionLine.text);
    } catch (err) {
      throw errors.bulkBadAction(`line ${actionLine.number}: ${(err as Error).message}`);
    }
    const keys = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? Object.keys(parsed) : [];
    const op = keys[0];
    if (keys.length !== 1 || op === undefined || !OPS.has(op)) {
      throw errors.bulkBadAction(`line ${actionLine.number} must be an object with one of index, create, update, delete`);
    }
    const meta = (parsed as Record<string, unknown>)[op];
    const m = meta !== null && typeof meta === 'object' && !Array.isArray(meta) ? (meta as Record<string, unknown>) : {};
    // A number is its text, as Elasticsearch's bulk parser reads it (and _id below).
    const named = typeof m._index === 'number' ? String(m._index) : m._index;
    const index = typeof named === 'string' && named !== '' ? named : (defaultIndex ?? '');
    const givenId = typeof m._id === 'string' && m._id !== '' ? m._id : typeof m._id === 'number' ? String(m._id) : undefined;
    const ref = actionLine.number;

    if (op === 'delete') {
      items.push({ kind: 'failed', ref, error: errors.bulkUnsupportedAction(op) });
      actions.push({ op, index, id: givenId ?? '' });
      continue;
    }
    const docNext = lines.next();
    if (docNext.done) {
      items.push({ kind: 'failed', ref, error: errors.bulkMissingSource() });
      actions.push({ op: op as BulkOp, index, id: givenId ?? '' });
      break;
    }
    const docLine = docNext.value;
    if (op === 'update') {
      items.push({ kind: 'failed', ref, error: errors.bulkUnsupportedAction(op) });
      actions.push({ op, index, id: givenId ?? '' });
      continue;
    }
    if (index === '') {
      // Elasticsearch refuses an index or create without an index (its
      // bulk validation, "index is missing"); stored, the event had no
      // es.index and its answer an `_index` of "".
      items.push({ kind: 'failed', ref, error: errors.bulkIndexMissing() });
      actions.push(refusedAction(op as BulkOp, index, givenId, docLine.text));
      continue;
    }
    const problem = indexNameProblem(index);
    if (problem !== null) {
      items.push({ kind: 'failed', ref, error: errors.bulkInvalidIndexName(index, problem) });
      actions.push(refusedAction(op as BulkOp, index, givenId, docLine.text));
      continue;
    }
    const idBytes = givenId === undefined ? 0 : Buffer.byteLength(givenId);
    if (idBytes > MAX_ID_BYTES) {
      // Elasticsearch refuses an _id over 512 bytes of UTF-8 (its
      // IndexRequest validation); stored, the event kept an id no
      // Elasticsearch holds, and a client moving to one fails there.
      items.push({ kind: 'failed', ref, error: errors.bulkIdTooLong(givenId, idBytes) });
      actions.push(refusedAction(op as BulkOp, index, givenId, docLine.text));
      continue;
    }
    let doc: unknown;
    try {
      doc = parseJson(docLine.text);
    } catch (err) {
      items.push({ kind: 'failed', ref, error: errors.bulkDocumentNotObject((err as Error).message) });
      actions.push(refusedAction(op as BulkOp, index, givenId, docLine.text));
      continue;
    }
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
      items.push({ kind: 'failed', ref, error: errors.bulkDocumentNotObject(doc === null ? 'null' : Array.isArray(doc) ? 'array' : typeof doc) });
      actions.push(refusedAction(op as BulkOp, index, givenId, docLine.text));
      continue;
    }
    const own = ownEventId(doc as Record<string, unknown>);
    // Without an _id Elasticsearch would make a random one and a shipper's
    // retry would be stored twice; the document's own event.id, or else the
    // content id normalizing gives it (es.index included), makes the retry
    // idempotent. Until 2026-12-04 a hash of index + document was set here:
    // an id the block store had to keep, ~16 bytes an event that Filebeat,
    // Vector or Logstash sent without _id.
    const id = givenId ?? own ?? '';
    const envelopeMeta: Record<string, unknown> = { 'es.index': index };
    if (givenId !== undefined) envelopeMeta['event.id'] = givenId;
    items.push({
      kind: 'envelope',
      ref,
      content: doc as Record<string, unknown>,
      meta: envelopeMeta,
      bytes: docLine.bytes,
      invalidUtf8: docLine.invalidUtf8,
    });
    actions.push({ op: op as BulkOp, index, id, ...(id === '' ? { doc: docLine.text } : {}) });
  }
  return { items, actions };
}

/**
 * A document refused before normalizing that came without _id is answered
 * with a hash of it (derivedId), as an over-long one is, rather than "": a
 * client matching answers to documents by _id (or logging them) needs one.
 */
function refusedAction(op: BulkOp, index: string, givenId: string | undefined, docText: string): BulkAction {
  return givenId !== undefined ? { op, index, id: givenId } : { op, index, id: '', doc: docText };
}

/** ECS `event.id`, flat or nested, when the document carries one. */
function ownEventId(doc: Record<string, unknown>): string | undefined {
  const flat = doc['event.id'];
  if (typeof flat === 'string' && flat !== '') return flat;
  const event = doc.event;
  if (event !== null && typeof event === 'object' && !Array.isArray(event)) {
    const id = (event as Record<string, unknown>).id;
    if (typeof id === 'string' && id !== '') return id;
  }
  return undefined;
}
