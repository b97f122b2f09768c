/**
 * The record a line holds, before the event is made of it (normalize-line.ts
 * finish): a JSON object mapped by the first format that knows it, a JSON
 * object or logfmt inside a message, an access log line, or plain text.
 */
import { flattenFields, hasField, putField, type FlatRecord, type FlattenFlags } from './flatten-fields.js';
import { ALL_FORMATS } from './formats/all-formats.js';
import { parseCombinedLog } from './formats/combined-log-format.js';
import { parseUvicornAccess } from './formats/uvicorn-access-format.js';
import { ecsFormat } from './formats/ecs-format.js';
import { fluentLogFormat } from './formats/fluent-log-format.js';
import { genericJsonFormat } from './formats/generic-json-format.js';
import { journaldFormat } from './formats/journald-format.js';
import { takeTime, type Canonical, type MapContext } from './formats/format-mapper.js';
import type { NormalizeLimits } from './limits.js';
import { parseLogfmt } from './parse-logfmt.js';
import { parseJson } from './parse-json.js';
import { sniffPlainText } from './sniff-plain-text.js';
import { traceException } from './trace-exception.js';
import { addRecordException } from './record-exception.js';
import { withoutTerminalColours } from './terminal-colours.js';
import { truncateValue } from './truncate-value.js';

/** What reading a record needs of NormalizeOptions. */
export interface RecordOptions {
  limits: NormalizeLimits;
  /** Receive time, epoch ms (a year-less time's year is the nearest to it). */
  now: number;
}

export interface Parsed {
  format: string;
  canonical: Canonical;
  fields: FlatRecord;
  flags: FlattenFlags;
}

export function parseRaw(raw: string, opts: RecordOptions, ctx: MapContext): Parsed {
  // Only text that opens like an object is worth a JSON.parse attempt.
  if (raw.trimStart().startsWith('{')) {
    let inner: unknown;
    try {
      inner = parseJson(raw);
    } catch {
      // Not JSON after all (Python's NaN and Infinity are): a plain text line that starts with '{'.
      inner = undefined;
    }
    if (inner !== null && typeof inner === 'object' && !Array.isArray(inner)) {
      return structured(inner as Record<string, unknown>, opts, ctx, true);
    }
  }
  return plain(raw, opts, ctx);
}

/** owned: `obj` was parsed here and nobody else holds it, so its fields may be used in place. */
export function structured(obj: Record<string, unknown>, opts: RecordOptions, ctx: MapContext, owned = false): Parsed {
  const { fields, flags } = flattenFields(obj, opts.limits, owned);
  // A loop, not find() with a closure over this line's fields: a closure made per call loses its optimized code at each major GC.
  let format = ALL_FORMATS[ALL_FORMATS.length - 1]!;
  for (let i = 0; i < ALL_FORMATS.length; i++) {
    if (ALL_FORMATS[i]!.detect(fields)) {
      format = ALL_FORMATS[i]!;
      break;
    }
  }
  const parsed: Parsed = { format: format.name, canonical: format.map(fields, ctx), fields, flags };
  addRecordException(format.name, fields, opts.limits.max_value_bytes);
  if (format === journaldFormat) return withMessageRecord(decoloured(parsed), opts, ctx);
  if (format === fluentLogFormat) return withWrappedLine(decoloured(parsed), opts, ctx);
  // A shipper's record whose message is the line it read, a JSON or logfmt
  // line left unparsed: Vector's loki sink with its json codec, Filebeat
  // without an ndjson parser, Logstash without a json filter. The line is
  // what the program wrote, as the agent's `@raw` would be.
  if (format === genericJsonFormat || format === ecsFormat) {
    const inner = withMessageRecord(parsed, opts, ctx);
    return inner !== parsed || parsed.canonical.level !== undefined ? inner : withSniffedLevel(parsed, opts, ctx);
  }
  return parsed;
}

/**
 * A shipper's record of a plain-text line and no level of its own
 * (Filebeat's filestream, Vector's file source, over _bulk or the native
 * route): the line's leading level word is the level, as for the agent's
 * `@raw`, so `level:error` finds `2026-… ERROR django.request: …` whichever
 * way it came in. The record's time stays (it may be the shipper's). The
 * line is read, and stored, without terminal colour codes, as the agent's
 * `@raw` and a journal entry are: a coloured `\x1b[31mERROR\x1b[0m` line
 * had no level this way.
 */
function withSniffedLevel(record: Parsed, opts: RecordOptions, ctx: MapContext): Parsed {
  const outer = decoloured(record);
  const text = outer.canonical.message;
  if (text === undefined || text === '') return outer;
  const line = text.endsWith('\r') ? text.slice(0, -1) : text;
  const level = sniffPlainText(line, ctx.timeZone, opts.now).level;
  const withLevel = level === undefined ? outer : { ...outer, canonical: { ...outer.canonical, level } };
  return withException(withLevel, line, opts);
}

/** A record holding a plain-text trace, with its exception as fields (exceptionFields), unless it names one of its own. */
function withException(p: Parsed, text: string, opts: RecordOptions): Parsed {
  if (hasField(p.fields, 'error.type')) return p;
  // A record's own error.message stays, alone (as record-exception.ts keeps it): putField would set the
  // trace's words beside it as `error.message_original`, a name that says they were the record's;
  // and the trace's message cut to size is then no truncation of this event.
  const own = hasField(p.fields, 'error.message');
  const flags = { ...p.flags };
  const found = exceptionFields(text, opts, own ? { ...flags } : flags);
  if (!('error.type' in found)) return p;
  const fields = { ...p.fields };
  for (const key of Object.keys(found)) if (!hasField(fields, key)) putField(fields, key, found[key]!);
  return { ...p, fields, flags };
}

/**
 * A journal entry's or a wrapped line's message without terminal colour
 * codes: the printed line, as a file's is stored (a Rust service's
 * tracing-subscriber colours its journal lines as it does a file).
 */
function decoloured(p: Parsed): Parsed {
  const text = p.canonical.message;
  if (text === undefined) return p;
  const plainText = withoutTerminalColours(text);
  return plainText === text ? p : { ...p, canonical: { ...p.canonical, message: plainText } };
}

/** Whether text starts, after blanks, with `{` (checked before a JSON.parse, without a trimmed copy a line). */
function opensObject(text: string | undefined): boolean {
  if (text === undefined) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b) return true;
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return false;
  }
  return false;
}

/**
 * A line Fluent Bit or docker wrapped under `log` is read as the agent's
 * `@raw` is: a JSON or logfmt line laid over the record
 * (withMessageRecord), plain text with its leading level and time sniffed
 * (its own time wins over the wrapper's, as over the agent's `@time`).
 */
function withWrappedLine(outer: Parsed, opts: RecordOptions, ctx: MapContext): Parsed {
  const json = withMessageRecord(outer, opts, ctx);
  if (json !== outer) return json;
  const text = outer.canonical.message ?? '';
  const line = text.endsWith('\r') ? text.slice(0, -1) : text;
  const sniffed = sniffPlainText(line, ctx.timeZone, opts.now);
  const canonical: Canonical = { ...outer.canonical };
  canonical.level ??= sniffed.level;
  if (sniffed.time !== undefined) canonical.time = sniffed.time;
  return withException({ ...outer, canonical }, line, opts);
}

/**
 * A service under systemd that logs JSON to stdout (python-json-logger,
 * pino, structlog) lands in journald as a MESSAGE holding that JSON; a Go
 * service's logfmt likewise. Its fields, level, logger, message and event
 * time are what people search for, so the MESSAGE is normalized too and
 * laid over the journald event; unit, host, pid, cursor and source stay
 * journald's. A logfmt MESSAGE without `msg` stays the message.
 */
function withMessageRecord(outer: Parsed, opts: RecordOptions, ctx: MapContext): Parsed {
  const text = outer.canonical.message;
  if (text === undefined) return outer;
  const p = messageRecord(text, opts, ctx);
  if (p === null) return outer;
  const canonical: Canonical = { ...outer.canonical };
  if (p.canonical.message !== undefined) canonical.message = p.canonical.message;
  if (p.canonical.level !== undefined) canonical.level = p.canonical.level;
  const fields = { ...outer.fields };
  // The app's logger wins; journald's SYSLOG_IDENTIFIER stays beside it.
  if (p.canonical.logger !== undefined) {
    if (outer.canonical.logger !== undefined && outer.canonical.logger !== p.canonical.logger) putField(fields, 'syslog_identifier', outer.canonical.logger);
    canonical.logger = p.canonical.logger;
  }
  if (p.canonical.time !== undefined) canonical.time = p.canonical.time;
  canonical.host ??= p.canonical.host;
  if (p.canonical.host !== undefined && canonical.host !== p.canonical.host) putField(fields, 'host_original', p.canonical.host);
  for (const key of Object.keys(p.fields)) {
    const value = p.fields[key];
    if (value !== undefined) putField(fields, key, value);
  }
  return {
    format: `${outer.format}+${p.format}`,
    canonical,
    fields,
    flags: {
      truncated: outer.flags.truncated || p.flags.truncated,
      fieldsCapped: outer.flags.fieldsCapped || p.flags.fieldsCapped,
      depthCapped: outer.flags.depthCapped || p.flags.depthCapped,
    },
  };
}

/**
 * A message that is a record of its own: a JSON object, or a logfmt line
 * (parse-logfmt.ts; Go services under systemd, Vector's json codec over a
 * logfmt file). Null when it is neither.
 */
function messageRecord(text: string, opts: RecordOptions, ctx: MapContext): Parsed | null {
  if (opensObject(text)) {
    let inner: unknown;
    try {
      inner = parseJson(text);
    } catch {
      inner = undefined;
    }
    if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) return null;
    return structured(inner as Record<string, unknown>, opts, ctx, true);
  }
  const pairs = parseLogfmt(text.endsWith('\r') ? text.slice(0, -1) : text);
  return pairs === null ? null : logfmt(pairs, opts, ctx);
}

/**
 * A logfmt line's pairs as a record, its level, message, time and logger
 * under the names JSON loggers use (`level`/`lvl`, `msg`, `ts`/`time`,
 * `logger`: genericJsonFormat's). A line without a message keeps no
 * message here; its caller keeps the line as the message.
 */
function logfmt(pairs: FlatRecord, opts: RecordOptions, ctx: MapContext): Parsed {
  const { fields, flags } = flattenFields(pairs, opts.limits, true);
  const canonical = genericJsonFormat.map(fields, ctx);
  // log15's `t=` (Grafana's own logs): a time only in logfmt, where no JSON logger's `t` can be meant.
  canonical.time ??= takeTime(fields, ctx, 't');
  return { format: 'logfmt', canonical, fields, flags };
}

function plain(raw: string, opts: RecordOptions, ctx: MapContext): Parsed {
  const text = withoutTerminalColours(raw.endsWith('\r') ? raw.slice(0, -1) : raw);
  const pairs = parseLogfmt(text);
  if (pairs !== null) {
      const p = logfmt(pairs, opts, ctx);
    if (p.canonical.message === undefined) {
      // No msg: the line is the message, as in Loki and VictoriaLogs.
      const message = truncateValue(text, opts.limits.max_value_bytes);
      p.canonical.message = message;
      if (message !== text) p.flags.truncated = true;
    }
    return p;
  }
  const message = truncateValue(text, opts.limits.max_value_bytes);
  const combined = parseCombinedLog(text);
  const access = combined ?? parseUvicornAccess(text);
  if (access !== null) {
    // The line stays the message, as the file shows it (Loki, VictoriaLogs); its parts are fields.
    let truncated = message !== text;
    for (const key in access.fields) {
      const value = access.fields[key];
      if (typeof value !== 'string') continue;
      const cut = truncateValue(value, opts.limits.max_value_bytes);
      if (cut !== value) {
        access.fields[key] = cut;
        truncated = true;
      }
    }
    return {
      format: combined !== null ? 'combined' : 'uvicorn',
      canonical: { ...access.canonical, message },
      fields: access.fields,
      flags: { truncated, fieldsCapped: false, depthCapped: false },
    };
  }
  const flags = { truncated: message !== text, fieldsCapped: false, depthCapped: false };
  return {
    format: 'plain',
    canonical: { message, ...sniffPlainText(text, ctx.timeZone, opts.now) },
    fields: exceptionFields(text, opts, flags),
    flags,
  };
}

/**
 * A stack trace's exception as ECS's `error.type` and `error.message`
 * (trace-exception.ts), read from the whole text: a message cut at
 * max_value_bytes has lost a Python traceback's last line, its exception.
 */
function exceptionFields(text: string, opts: RecordOptions, flags: FlattenFlags): FlatRecord {
  const fields: FlatRecord = {};
  // A trace is more than one line, but for Go's and Rust's one-line `panic` and Go's `fatal error:` (most lines pay one scan).
  if (!text.includes('\n') && !text.includes('panic') && !text.startsWith('fatal error: ')) return fields;
  const found = traceException(text);
  if (found === undefined) return fields;
  fields['error.type'] = truncateValue(found.type, opts.limits.max_value_bytes);
  if (found.message !== undefined) {
    const message = truncateValue(found.message, opts.limits.max_value_bytes);
    if (message !== found.message) flags.truncated = true;
    fields['error.message'] = message;
  }
  return fields;
}

