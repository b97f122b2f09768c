/**
 * What the row store and the block store (blocks/block-store.ts) both
 * answer by: the free-space warning, the total-count cap, the check of a
 * request's limit, and retention classes compiled by the query package.
 */
import { compileMatcher, parse } from '@logship/query/core';
import { storeError } from '../store/store-error.js';
import type { ClassMatcherFactory } from '../retention/retention-policy.js';

/** Below this much free space in the data folder, health() warns (it fails only when a write would). */
export const MIN_FREE_BYTES = 64 * 1024 * 1024;

/** Totals stop being counted exactly past this many hits (relation 'gte'). */
export const TOTAL_COUNT_LIMIT = 10_000;

export function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 0) {
    throw storeError('LS_STORE_BAD_REQUEST', `limit must be a non-negative integer, got ${limit}`);
  }
}

/** Retention class queries through the query package's parser and matcher. */
export function classMatcherFor(clock: () => number, textFields: readonly string[]): ClassMatcherFactory {
  return (query) => compileMatcher(parse(query), { now: clock(), textFields });
}
