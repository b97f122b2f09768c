import { plainRecord } from '../plain-record.js';
import type { FlatRecord } from '../flatten-fields.js';
import { parseTimestamp } from '../parse-timestamp.js';
import type { Canonical } from './format-mapper.js';
import { levelFromStatus, splitRequest } from './nginx-format.js';

// `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent`, then optionally
// `"$http_referer" "$http_user_agent"` and whatever a format adds after them (nginx's `main`: `"$http_x_forwarded_for"`).
const QUOTED = '"((?:[^"\\\\]|\\\\.)*)"';
const COMBINED = new RegExp(
  `^(\\S+) \\S+ (\\S+) \\[(\\d{2}/[A-Za-z]{3}/\\d{4}:\\d{2}:\\d{2}:\\d{2} [+-]\\d{4})\\] ${QUOTED} (\\d{3}) (\\d+|-)(?: ${QUOTED} ${QUOTED})?(?=\\s|$)`,
);

/**
 * An access line in the NCSA common or combined log format: nginx's default
 * `combined` (what /var/log/nginx/access.log holds unless a JSON
 * `log_format` was set up, and nginx's `main`, which adds fields after it)
 * and Apache httpd's `common` and `combined`. Its parts get the names
 * nginx's json_combined gives them (nginx-format.ts), so `status:>=500`,
 * `path:/api/*` and `method:POST` find a text access line as they find a
 * JSON one, and its time is the request's, not when it was shipped. A `-`
 * (no user, no referrer) is no field; Apache's `-` for no body is 0 bytes.
 * Quoted parts are unescaped (nginx writes `"` as `\x22`, Apache as `\"`).
 * Null when the line is not one.
 */
export function parseCombinedLog(line: string): { canonical: Canonical; fields: FlatRecord } | null {
  // Cheap refusal first: most plain lines have no `[` near the start.
  const bracket = line.indexOf(' [');
  if (bracket < 0 || bracket > 300) return null;
  const m = COMBINED.exec(line);
  if (m === null) return null;
  const [, addr, user, timeLocal, request, status, bytes, referrer, agent] = m;
  const time = parseTimestamp(timeLocal);
  if (time === undefined) return null;
  const fields = plainRecord<FlatRecord>();
  fields.remote_addr = addr!;
  if (user !== '-') fields.remote_user = unescape(user!);
  const req = unescape(request!);
  fields.request = req;
  const code = Number(status);
  fields.status = code;
  fields.body_bytes_sent = bytes === '-' ? 0 : Number(bytes);
  if (referrer !== undefined && referrer !== '-') fields.http_referrer = unescape(referrer);
  if (agent !== undefined && agent !== '-') fields.http_user_agent = unescape(agent);
  splitRequest(fields, req);
  return { canonical: { time, level: levelFromStatus(code) }, fields };
}

const ESCAPE = /\\(?:x([0-9A-Fa-f]{2})|(.))/gs;

/** nginx's `\xHH` (bytes, so a run of them may be one UTF-8 character) and Apache's `\"`, `\\`. */
function unescape(text: string): string {
  if (!text.includes('\\')) return text;
  const bytes: number[] = [];
  let out = '';
  let last = 0;
  const flush = (): void => {
    if (bytes.length > 0) out += Buffer.from(bytes).toString('utf8');
    bytes.length = 0;
  };
  for (const m of text.matchAll(ESCAPE)) {
    if (m.index > last) {
      flush();
      out += text.slice(last, m.index);
    }
    if (m[1] !== undefined) bytes.push(parseInt(m[1], 16));
    else {
      flush();
      out += m[2];
    }
    last = m.index + m[0].length;
  }
  flush();
  return out + text.slice(last);
}
