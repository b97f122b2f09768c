import { plainRecord } from '../plain-record.js';
import type { FlatRecord } from '../flatten-fields.js';
import type { Canonical } from './format-mapper.js';
import { levelFromStatus, splitRequest } from './nginx-format.js';

// `INFO:     127.0.0.1:45784 - "GET /boom HTTP/1.1" 500 Internal Server Error`
const UVICORN = /^[A-Z]+:\s+(\S+):(\d{1,5}) - "([A-Z]+ \S+ HTTP\/[\d.]+)" (\d{3})(?= |$)/;

/**
 * An access line of uvicorn (FastAPI's and Starlette's server; gunicorn's
 * uvicorn workers), which logs every request at INFO, a 500 too: the parts
 * get the names nginx's json_combined gives them (nginx-format.ts), and
 * the level comes from the status as for nginx, so `level:error` and
 * `status:>=500` find the requests that failed. It carries no time. Null
 * when the line is not one.
 */
export function parseUvicornAccess(line: string): { canonical: Canonical; fields: FlatRecord } | null {
  if (line.charCodeAt(0) < 0x41 || line.charCodeAt(0) > 0x5a || !line.includes(' HTTP/')) return null;
  const m = UVICORN.exec(line);
  if (m === null) return null;
  const [, addr, , request, status] = m;
  const fields = plainRecord<FlatRecord>();
  fields.remote_addr = addr!;
  fields.request = request!;
  const code = Number(status);
  fields.status = code;
  splitRequest(fields, request!);
  return { canonical: { level: levelFromStatus(code) }, fields };
}
