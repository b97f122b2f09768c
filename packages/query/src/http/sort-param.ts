/**
 * `sort` as people coming from Elasticsearch and Kibana write it: `ASC`,
 * `Desc`, and Elasticsearch's URI form `@timestamp:desc`. The routes'
 * schemas list the canonical `desc` and `asc` (the OpenAPI document shows
 * those), so the value is made canonical before it is validated; a cursor
 * is then bound to the canonical order, and a page asked with `ASC` pages
 * on with `asc`.
 */
import type { FastifyRequest } from 'fastify';
import type { SortOrder } from '../log-reader.js';

/** `asc` / `desc` for any case, with or without Elasticsearch's `@timestamp:` before it; null for anything else. */
export function canonicalSort(value: string): SortOrder | null {
  const v = value.trim().toLowerCase().replace(/^@timestamp:/, '');
  return v === 'asc' || v === 'desc' ? v : null;
}

function canonicalIn(params: unknown): void {
  if (params === null || typeof params !== 'object') return;
  const p = params as Record<string, unknown>;
  if (typeof p.sort !== 'string') return;
  const sort = canonicalSort(p.sort);
  // Anything else is left for the schema to refuse with the allowed values.
  if (sort !== null) p.sort = sort;
}

/** A route's `preValidation` hook: the query string's or the JSON body's `sort` made canonical. */
export async function canonicalSortParam(req: FastifyRequest): Promise<void> {
  canonicalIn(req.query);
  canonicalIn(req.body);
}
