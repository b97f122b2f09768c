/**
 * search(): one page, newest (or oldest) first, with search_after on the
 * stable sort (@timestamp, event.id). No point-in-time: a PIT would hide
 * events written while a user pages, whereas search_after from a position
 * keeps every later page consistent and still shows events that land
 * behind the cursor (the contract's "paging while ingesting").
 */
import type { Client, estypes } from '@elastic/elasticsearch';
import { decodeCursor, encodeCursor, type CursorKey, type SearchRequest, type SearchResult } from '@logship/query/core';
import { storeError } from '../store/store-error.js';
import { documentToEvent, sourceIncludes } from './event-document.js';
import { asStoreFailure } from './transport-error.js';
import { notePartial } from './partial-answer.js';
import type { EsQuery } from './compile-dsl.js';

/** Totals are exact up to here, then reported as a lower bound ('gte'). */
export const TRACK_TOTAL_HITS = 10_000;
/**
 * Elasticsearch's default index.max_result_window caps one page (from + size,
 * and size alone with search_after): the API's 10,000-hit page, whose "is
 * there more" is then asked separately (see searchPage).
 */
export const MAX_PAGE = 10_000;

export async function searchPage(client: Client, index: string, filter: EsQuery[], req: SearchRequest): Promise<SearchResult> {
  const sort = req.sort ?? 'desc';
  if (!Number.isInteger(req.limit) || req.limit < 0) {
    throw storeError('LS_STORE_BAD_REQUEST', `limit must be a non-negative integer, got ${req.limit}`);
  }
  const limit = Math.min(req.limit, MAX_PAGE);
  let after: CursorKey | null = null;
  if (req.cursor) {
    const decoded = decodeCursor(req.cursor, sort, req.query);
    if (!decoded.ok) throw storeError('LS_STORE_BAD_CURSOR', decoded.reason);
    after = decoded.key;
  }
  const sortSpec: estypes.Sort = [{ '@timestamp': { order: sort } }, { 'event.id': { order: sort } }];
  let response: estypes.SearchResponse<unknown>;
  try {
    response = await client.search({
      index,
      ignore_unavailable: true,
      allow_no_indices: true,
      query: { bool: { filter } },
      // One extra hit tells whether there is a next page; a full page
      // (MAX_PAGE) cannot take it and asks below instead.
      size: Math.min(limit + 1, MAX_PAGE),
      sort: sortSpec,
      ...(after ? { search_after: [after.ts, after.id] } : {}),
      track_total_hits: TRACK_TOTAL_HITS,
      // A projection is applied in the cluster: only the fields asked travel.
      _source: sourceIncludes(req.fields),
    }, { signal: req.signal });
  } catch (err) {
    throw asStoreFailure(err, req.signal);
  }
  // A shard that failed (a day's index mapping a field otherwise) left its
  // hits out of this page and its count out of the total: said, the rest
  // answered. The cursor still pages on from this page's last hit: a later
  // page over the same shards fails on them again and says so again.
  notePartial(response, index);
  const raw = response.hits.hits;
  const page = raw.slice(0, limit);
  const hits = page.map((h) => documentToEvent(h._source, req.fields));
  const last = page[page.length - 1];
  let more = raw.length > limit;
  if (!more && limit === MAX_PAGE && raw.length === MAX_PAGE && last?.sort) {
    // A page of MAX_PAGE hits: is there one after its last?
    try {
      const probe = await client.search({
        index,
        ignore_unavailable: true,
        allow_no_indices: true,
        query: { bool: { filter } },
        size: 1,
        sort: sortSpec,
        search_after: last.sort,
        track_total_hits: false,
        _source: false,
      }, { signal: req.signal });
      // The probe's failures are the page's: "no more" may be wrong for the shards that failed.
      more = notePartial(probe, index).hits.hits.length > 0;
    } catch (err) {
      throw asStoreFailure(err, req.signal);
    }
  }
  let next: string | null = null;
  if (more && last?.sort) {
    next = encodeCursor({ ts: Number(last.sort[0]), id: String(last.sort[1]) }, sort, req.query);
  }
  const total = response.hits.total;
  const value = typeof total === 'number' ? total : (total?.value ?? hits.length);
  const relation = typeof total === 'object' && total.relation === 'gte' ? 'gte' : 'eq';
  return { hits, total: { value, relation }, next_cursor: next };
}

export async function countMatching(client: Client, index: string, filter: EsQuery[], read: ReadContext = {}): Promise<number> {
  let res: estypes.CountResponse;
  try {
    res = await client.count({ index, ignore_unavailable: true, allow_no_indices: true, query: { bool: { filter } } }, { signal: read.signal });
  } catch (err) {
    throw asStoreFailure(err, read.signal);
  }
  return notePartial(res, index).count;
}

/** What a read of the store carries to each of its requests: the query's deadline. */
export interface ReadContext {
  signal?: AbortSignal | undefined;
}
