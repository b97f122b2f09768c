/**
 * The contract suite's corpus: a few dozen varied events over three UTC days,
 * with ties on @timestamp (to exercise the event.id tie-break), every level,
 * numeric and string fields, nested-style dotted fields, and fields missing
 * on purpose. Every third event's id is its content id, as ingest gives an
 * event sent without one (the block store keeps no copy of those).
 */
import type { LogEvent } from '@logship/query/core';
import type { LogStore } from '../log-store.js';
import type { RetentionConfig } from '../../retention/retention-config.js';
import { contentId } from '../../normalize/content-id.js';

/** Runs `fn` on a fresh store of the kind under test, with its clock (and retention, when a test sets one). */
export type WithStore = (fn: (store: LogStore, clock: { now: number }) => Promise<void>, retention?: RetentionConfig) => Promise<void>;

/** The contract's clock: noon, so the corpus spans three UTC days. */
export const CONTRACT_NOW = Date.parse('2026-11-23T12:00:00.000Z');

const LEVELS = ['info', 'warning', 'error', 'debug', 'critical', 'info', 'notice'];
const USERS = ['alice', 'bob', 'carol'];

export function contractCorpus(now = CONTRACT_NOW): LogEvent[] {
  const events: LogEvent[] = [];
  for (let i = 0; i < 60; i++) {
    // Pairs (2k, 2k+1) share a timestamp every third pair.
    const step = i % 6 === 1 ? i - 1 : i;
    const ts = now - step * 53 * 60_000;
    const level = LEVELS[i % LEVELS.length] as string;
    const id = `evt-${String((i * 37) % 60).padStart(3, '0')}-${i}`;
    const base: LogEvent = { '@timestamp': new Date(ts).toISOString(), 'event.id': id, level, host: `web-${i % 3}` };
    if (i % 4 === 0) {
      const status = [200, 404, 500, 502][(i / 4) % 4] as number;
      events.push({
        ...base,
        source: '/var/log/nginx/access.log',
        job: 'nginx',
        message: `GET /api/v1/items/${i} HTTP/1.1 ${status}`,
        status,
        duration_ms: (i * 71) % 1500,
        path: `/api/v1/items/${i}`,
        'http.method': i % 8 === 0 ? 'GET' : 'POST',
      });
    } else if (i % 4 === 1) {
      const user = USERS[i % 3] as string;
      events.push({
        ...base,
        logger: 'django.security',
        job: 'django',
        message: `Login failed for user ${user} from 10.0.0.${i}`,
        user_id: `user-${user}`,
      });
    } else if (i % 4 === 2) {
      events.push({
        ...base,
        logger: 'django.db.backends',
        job: 'django',
        message: i % 3 === 0 ? 'Database timeout after 30s' : `query took ${i * 10} ms`,
        duration_ms: i * 10,
        'db.vendor': 'postgresql',
      });
    } else {
      // journald-like: a unit, no logger, sometimes no message at all.
      const e: LogEvent = { ...base, unit: 'sshd.service', source: 'journald', 'journald.pid': 1000 + i };
      if (i % 8 !== 7) e.message = `Failed password for invalid user admin${i} from 192.168.1.${i} port 22 ssh2`;
      events.push(e);
    }
  }
  for (let i = 2; i < events.length; i += 3) {
    const e = events[i] as LogEvent;
    e['event.id'] = contentId(e);
  }
  return events;
}
