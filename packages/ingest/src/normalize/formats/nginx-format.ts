import { hasField, putField } from '../flatten-fields.js';
import type { Level } from '@logship/query/core';
import type { FlatRecord } from '../flatten-fields.js';
import { take, takeString, takeTime, toNumber, type Canonical, type FormatMapper, type MapContext, UTC_CONTEXT } from './format-mapper.js';

/** nginx variables that are numbers but `escape=json` log formats quote as strings. */
const NUMERIC_FIELDS = [
  'status',
  'body_bytes_sent',
  'bytes_sent',
  'request_length',
  'request_time',
  'upstream_response_time',
  'upstream_connect_time',
  'upstream_header_time',
  'upstream_status',
  'connection',
  'connection_requests',
  'msec',
];

const REQUEST_LINE = /^([A-Z]+) (\S+)(?: (\S+))?$/;

/**
 * nginx access logs in a JSON `log_format` (json_combined and its cousins):
 * numbers coerced, `request` split into method, path, query and protocol,
 * `duration_ms` derived from `request_time` (seconds), level from the status
 * class, and `event.dataset: nginx.access` so `event.dataset:"nginx.access"`
 * finds them. nginx's `host` variable is the request's Host header, not the
 * machine, so it is kept as `http_host`.
 */
export const nginxFormat: FormatMapper = {
  name: 'nginx',
  detect: (f) =>
    typeof f.request === 'string' &&
    'status' in f &&
    ('request_time' in f || 'body_bytes_sent' in f || 'remote_addr' in f),
  map(f: FlatRecord, ctx: MapContext = UTC_CONTEXT): Canonical {
    const out: Canonical = {};
    for (const key of NUMERIC_FIELDS) {
      const n = toNumber(f[key]);
      if (n !== undefined) f[key] = n;
    }
    out.time = takeTime(f, ctx, 'time_iso8601', 'time_local', '@timestamp', 'timestamp', 'time', 'msec');

    const request = f.request as string;
    splitRequest(f, request);
    if (typeof f.request_time === 'number') {
      // Rounded to the microsecond so 0.012 s reads 12, not 12.000000000000002.
      f.duration_ms = Math.round(f.request_time * 1e6) / 1e3;
    }
    const status = typeof f.status === 'number' ? f.status : undefined;
    out.level = levelFromStatus(status);
    out.message = status === undefined ? request : `${request} ${status}`;

    const httpHost = take(f, 'host');
    if (httpHost !== undefined) putField(f, 'http_host', httpHost);
    out.host = takeString(f, 'hostname');
    if (!hasField(f, 'event.dataset')) f['event.dataset'] = 'nginx.access';
    return out;
  },
};

/** `method`, `path`, `query` and `protocol` from a request line (`GET /a?b=1 HTTP/1.1`); nothing when it is not one. */
export function splitRequest(f: FlatRecord, request: string): void {
  const parts = REQUEST_LINE.exec(request);
  if (!parts) return;
  const [, method, target, protocol] = parts;
  const q = target!.indexOf('?');
  f.method = method!;
  f.path = q === -1 ? target! : target!.slice(0, q);
  if (q !== -1) f.query = target!.slice(q + 1);
  if (protocol !== undefined) f.protocol = protocol;
}

/** An access log's level: 5xx error, 4xx warning, else info. */
export function levelFromStatus(status: number | undefined): Level {
  if (status === undefined) return 'info';
  if (status >= 500) return 'error';
  if (status >= 400) return 'warning';
  return 'info';
}
