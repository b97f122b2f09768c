/**
 * The events both stores' "later pages keep the first page's total" tests
 * search (sqlite/search-total.test.ts, blocks/block-search-total.test.ts):
 * one corpus, so the two stores are held to the same figures.
 */
import type { LogEvent } from '@logship/query';

export const NOW = Date.parse('2026-11-23T12:00:00.000Z');
export const HOUR = 3_600_000;
/** 30 matching events over the last 30 hours (two UTC days), and 10 that do not match. */
export const EVENTS: LogEvent[] = Array.from({ length: 40 }, (_, i) => ({
  '@timestamp': new Date(NOW - i * HOUR - 1000).toISOString(),
  'event.id': `e${String(i).padStart(2, '0')}`,
  message: i < 30 ? `disk full on ${i}` : `all good ${i}`,
  level: 'info',
}));
/** The two days, searched at NOW. */
export const RANGE = { from: NOW - 2 * 24 * HOUR, to: NOW, now: NOW };
