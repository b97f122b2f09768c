/**
 * The query API plugin on a bare fastify app over a MemoryLogReader, for
 * inject() tests of the routes in their own room (the server adds auth,
 * ingest and a store around the same plugin).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { LogEvent } from '../event.js';
import { MAX_PATH_PARAM_LENGTH } from '../http/api-error.js';
import { LocalLiveFeed } from '../http/live-feed.js';
import { queryApiPlugin, type QueryApiOptions } from '../http/query-api-plugin.js';
import { MemoryLogReader } from './memory-log-reader.js';

export const API_NOW = Date.parse('2026-02-08T15:00:00.000Z');

export interface QueryApiApp {
  app: FastifyInstance;
  reader: MemoryLogReader;
  feed: LocalLiveFeed;
}

/** `https`: a key and certificate (PEM) to serve HTTPS with, as the server's `tls` does. */
export async function queryApiApp(
  events: readonly LogEvent[],
  opts: Partial<QueryApiOptions> = {},
  https?: { key: Buffer; cert: Buffer },
  /** Hooks a test adds before the app is ready (fastify takes none after). */
  before?: (app: FastifyInstance, parts: { reader: MemoryLogReader; feed: LocalLiveFeed }) => void,
): Promise<QueryApiApp> {
  const reader = new MemoryLogReader(events);
  const feed = new LocalLiveFeed();
  // As the server builds it: a misspelt parameter is an error, not dropped;
  // path parameters (field names) as long as a query.
  const options = { logger: false, ajv: { customOptions: { removeAdditional: false } }, routerOptions: { maxParamLength: MAX_PATH_PARAM_LENGTH } };
  const app = (https ? Fastify({ ...options, https }) : Fastify(options)) as unknown as FastifyInstance;
  await app.register(queryApiPlugin, { reader, now: () => API_NOW, feed, ...opts });
  before?.(app, { reader, feed });
  await app.ready();
  return { app, reader, feed };
}

/** A small varied set of events around API_NOW (the last hour). */
export function sampleEvents(): LogEvent[] {
  const at = (minutesAgo: number) => new Date(API_NOW - minutesAgo * 60_000).toISOString();
  return [
    { '@timestamp': at(1), 'event.id': 'e1', level: 'error', message: 'upstream timed out', host: 'web-1', status: 502, duration_ms: 1500 },
    { '@timestamp': at(2), 'event.id': 'e2', level: 'info', message: 'GET /api/orders', host: 'web-1', status: 200, duration_ms: 20 },
    { '@timestamp': at(3), 'event.id': 'e3', level: 'warning', message: 'slow query', host: 'db-1', duration_ms: 1200 },
    { '@timestamp': at(4), 'event.id': 'e4', level: 'error', message: 'login failed', logger: 'django.security', host: 'web-2', status: 401 },
    { '@timestamp': at(5), 'event.id': 'e5', level: 'info', message: 'GET /healthz', host: 'web-2', status: 200, duration_ms: 1 },
    { '@timestamp': at(30), 'event.id': 'e6', level: 'debug', message: 'cache hit', host: 'web-1' },
    { '@timestamp': at(90), 'event.id': 'e7', level: 'error', message: 'old failure', host: 'web-1', status: 500 },
  ];
}
