import { LEVELS, type FieldValue, type Level, type LogEvent } from '@logship/query/core';
import { normalizeErrors as errors } from './normalize-errors.js';
import { contentId, redactedContentId } from './content-id.js';
import type { Redactor } from './redactor.js';
import { dropField, flattenFields, hasField, putField, setField, type FlatRecord, type FlattenFlags } from './flatten-fields.js';
import { type Canonical, type MapContext } from './formats/format-mapper.js';
import { isTimeZone } from './parse-timestamp.js';
import { parseRaw, structured, type Parsed } from './parse-record.js';
import { isoTime } from './iso-time.js';
import { plainRecord } from './plain-record.js';
import { FLAG_FIELDS, type NormalizeLimits } from './limits.js';
import { parseJson } from './parse-json.js';
import { levelFromText } from './level-from.js';

/*
 * One NDJSON line → one LogEvent.
 *
 *   line ─ JSON.parse ─┬─ {"@raw": text, ...meta}  (agent envelope)
 *                      │     text is JSON object ─► structured ─┐
 *                      │     otherwise           ─► plain text ─┤
 *                      └─ any other object ─────► structured ───┤
 *                                                               ▼
 *          flatten (caps) ─► first matching format maps canonical fields
 *          (journald whose MESSAGE is a JSON object: that object too, laid over)
 *          ─► overlay envelope meta ─► event.id (given, or hash of the content)
 */

export interface NormalizeOptions {
  /** Receive time, epoch ms: the @timestamp of events that carry none. */
  now: number;
  limits: NormalizeLimits;
  /** The line's bytes were not valid UTF-8 and were replaced with U+FFFD. */
  invalidUtf8?: boolean;
  /**
   * Epoch ms the sending protocol gives the event (a Loki entry's or OTLP
   * record's timestamp): used when the line carries no time of its own, and
   * then the event is not flagged `logship.no_timestamp`.
   */
  time?: number;
  /**
   * The level and logger the protocol's header gives (syslog's PRI
   * severity and APP-NAME): over a plain-text message they are the
   * event's, as an envelope's `level` and `logger` are; a JSON message that
   * names its own keeps those, as a journald entry's JSON MESSAGE does.
   * Senders stamp one PRI and tag on everything a program writes
   * (journald's PRIORITY 6 for a service's stdout forwarded by rsyslog, a
   * logger(1) default, docker's syslog driver), while the JSON line says
   * what the program meant: `level:error` and `logger:"django.security"`
   * find it whichever way it came in.
   */
  level?: Level;
  logger?: string;
  /**
   * IANA zone for times written without an offset (server
   * `ingest.default_timezone`; default UTC). An envelope's `@timezone`
   * (the agent's per-source `timezone`) overrides it for its line.
   */
  defaultTimeZone?: string;
  /** `ingest.redact`: applied last, before the event's id is taken. */
  redact?: Redactor;
}

export interface NormalizedLine {
  event: LogEvent;
  /** Which format was recognized ('journald', 'nginx', 'plain', …). */
  format: string;
  /** event.id is the event's content id (content-id.ts): none was given. */
  contentId: boolean;
  /** event.id was derived by the server (content id, or keyed for a redacted event): the source gave none. */
  derivedId: boolean;
  /** The epoch ms `@timestamp` was written from (LogStore WriteOptions.times). */
  time: number;
}

const ENVELOPE_RAW = '@raw';
const ENVELOPE_TRUNCATED = '@truncated';
const ENVELOPE_TIMEZONE = '@timezone';
const ENVELOPE_TIME = '@time';
const ENVELOPE_INVALID_UTF8 = '@invalid_utf8';
const STRING_CANONICAL = ['message', 'logger', 'host', 'source', 'job', 'unit'] as const;
const LEVEL_SET: ReadonlySet<string> = new Set(LEVELS);

/** Throws a LogshipError (LS_INGEST_LINE_*) when the line is not a JSON object. */
export function normalizeLine(line: string, opts: NormalizeOptions): NormalizedLine {
  let parsed: unknown;
  try {
    parsed = parseJson(line);
  } catch (err) {
    throw errors.lineNotJson(err instanceof Error ? err.message : String(err));
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw errors.lineNotObject(parsed === null ? 'null' : Array.isArray(parsed) ? 'array' : typeof parsed);
  }
  const obj = parsed as Record<string, unknown>;
  const raw = obj[ENVELOPE_RAW];
  if (typeof raw !== 'string') {
    const result = structured(obj, opts, { timeZone: opts.defaultTimeZone ?? 'UTC' }, true);
    return finish(result, undefined, undefined, opts);
  }
  // The rest of the agent's envelope is the event's metadata. The object is
  // ours (parsed above): `@raw` is left undefined, which flattening skips,
  // rather than copied out and deleted (a dictionary-mode copy a line; see
  // dropField).
  obj[ENVELOPE_RAW] = undefined;
  return normalizeEnvelope(raw, obj, opts);
}

/**
 * The part of normalizeLine after JSON.parse, for the other protocols (Loki,
 * Elasticsearch bulk, OTLP, syslog), which build the envelope as an object:
 * `content` is the `@raw` text (parsed if it is a JSON object, else plain
 * text) or an already structured object; `meta` is laid over the result as
 * the agent's envelope keys are (`event.id`, `host`, labels, `@truncated`).
 */
export function normalizeEnvelope(
  content: string | Record<string, unknown>,
  meta: Record<string, unknown>,
  opts: NormalizeOptions,
): NormalizedLine {
  // The source's zone: how to read its offset-less times, not a field of the event.
  const zone = meta[ENVELOPE_TIMEZONE];
  const ctx: MapContext = { timeZone: typeof zone === 'string' && isTimeZone(zone) ? zone : (opts.defaultTimeZone ?? 'UTC') };
  const result = typeof content === 'string' ? parseRaw(content, opts, ctx) : structured(content, opts, ctx);
  const agentTruncated = meta[ENVELOPE_TRUNCATED] === true;
  // The agent decoded a line that was not UTF-8 (its bytes replaced with U+FFFD), as ingest does a body's.
  const agentInvalidUtf8 = meta[ENVELOPE_INVALID_UTF8] === true;
  // When the shipper saw the line (docker's `time`): the event time only if
  // the line has none of its own, like a protocol's time; unparsable is ignored.
  const seen = meta[ENVELOPE_TIME];
  const seenMs = typeof seen === 'string' ? Date.parse(seen) : NaN;
  let rest = meta;
  if (Object.hasOwn(meta, ENVELOPE_TRUNCATED) || Object.hasOwn(meta, ENVELOPE_TIMEZONE) || Object.hasOwn(meta, ENVELOPE_TIME) || Object.hasOwn(meta, ENVELOPE_INVALID_UTF8)) {
    // A copy without them, built key by key: a spread then deletes made a dictionary-mode object (see dropField).
    rest = {};
    for (const key of Object.keys(meta)) {
      if (key !== ENVELOPE_TRUNCATED && key !== ENVELOPE_TIMEZONE && key !== ENVELOPE_TIME && key !== ENVELOPE_INVALID_UTF8) {
        setField(rest as FlatRecord, key, meta[key] as FieldValue);
      }
    }
  }
  // A copy made above is ours to keep as it is (flattenFields' `owned`); the caller's meta is not.
  const { fields, flags } = flattenFields(rest, opts.limits, rest !== meta);
  if (agentTruncated) flags.truncated = true;
  let withTime = opts.time === undefined && Number.isFinite(seenMs) ? { ...opts, time: seenMs } : opts;
  if (agentInvalidUtf8 && !withTime.invalidUtf8) withTime = { ...withTime, invalidUtf8: true };
  return finish(result, fields, flags, withTime);
}

function finish(
  p: Parsed,
  meta: FlatRecord | undefined,
  metaFlags: FlattenFlags | undefined,
  opts: NormalizeOptions,
): NormalizedLine {
  const fields = p.fields;
  // Source keys that collide with canonical names but were not consumed by
  // the format keep their value under another name rather than break the
  // contract (`level` must be a canonical level, `@timestamp` our ISO time).
  moveAside(fields, 'level', 'level_original');
  moveAside(fields, '@timestamp', 'timestamp_original');
  if (meta) {
    // The agent's labels win (host, source, job are where it came from);
    // a field of the line with the same name stays as `<name>_original`.
    for (const key of Object.keys(meta)) {
      if (hasField(fields, key) && fields[key] !== meta[key]) putField(fields, `${key}_original`, fields[key]!);
      setField(fields, key, meta[key]!);
    }
  }

  const c = p.canonical;
  // The event's own time: the line's, else the one its protocol gave (syslog, OTLP).
  const own = c.time ?? opts.time;
  const future = own !== undefined && own > opts.now + opts.limits.max_future_s * 1000;
  const time = timeClip(future ? opts.now : (own ?? opts.now));
  const event = plainRecord<LogEvent>();
  event['@timestamp'] = isoTime(time);
  // Set last (contentId reads every other field); first in key order.
  event['event.id'] = '';
  const givenId = givenEventId(fields['event.id']);
  dropField(fields, 'event.id');
  // `level` here is the line's own canonical level or the envelope's (a
  // Loki label, the agent's metadata), whose aliases (`ERROR`, `warn`) name
  // a level too. Whichever of it and the format's level loses stays as
  // `level_original`, as host and job do.
  const given = fields.level;
  let named = typeof given === 'string' ? (LEVEL_SET.has(given) ? given : levelFromText(given)) : undefined;
  if (given === undefined && opts.level !== undefined && (p.format === 'plain' || c.level === undefined)) named = opts.level;
  const level = named ?? c.level;
  dropField(fields, 'level');
  if (given !== undefined && named === undefined) putField(fields, 'level_original', given);
  else if (named !== undefined && c.level !== undefined && c.level !== named) putField(fields, 'level_original', c.level);
  if (level !== undefined) event.level = level;
  for (const key of STRING_CANONICAL) {
    const own = fields[key];
    dropField(fields, key);
    let mapped = c[key as keyof Canonical] as string | undefined;
    if (key === 'logger' && opts.logger !== undefined && (p.format === 'plain' || mapped === undefined)) mapped = opts.logger;
    const value = own !== undefined ? String(own) : mapped;
    if (value !== undefined) event[key] = value;
    // A field of that name won over what the format mapped (`host` next to
    // pino's `hostname`): the mapped value stays beside it.
    if (own !== undefined && mapped !== undefined && mapped !== value) putField(fields, `${key}_original`, mapped);
  }
  // The field cap applies here, after the core fields are set, so it never
  // drops them (see flatten-fields); the logship.* flags below are not counted.
  let core = 0;
  for (const key in event) if (Object.hasOwn(event, key)) core++;
  let room = opts.limits.max_fields - core;
  let capped = false;
  // for-in, not Object.keys: no array a line (fields is a plain object, nothing inherited).
  for (const key in fields) {
    const value = fields[key];
    // Dropped by a mapper or above (dropField).
    if (value === undefined) continue;
    if (room <= 0) {
      capped = true;
      break;
    }
    setField(event as FlatRecord, key, value);
    room--;
  }

  const flags = p.flags;
  if (flags.truncated || metaFlags?.truncated) event[FLAG_FIELDS.truncated] = true;
  if (capped || flags.fieldsCapped || metaFlags?.fieldsCapped) event[FLAG_FIELDS.fieldsCapped] = true;
  if (flags.depthCapped || metaFlags?.depthCapped) event[FLAG_FIELDS.depthCapped] = true;
  if (opts.invalidUtf8) event[FLAG_FIELDS.invalidUtf8] = true;
  if (own === undefined) event[FLAG_FIELDS.noTimestamp] = true;
  if (future) {
    event[FLAG_FIELDS.futureTimestamp] = true;
    event[FLAG_FIELDS.originalTimestamp] = new Date(own!).toISOString();
  }
  let redactedId: string | undefined;
  const redact = opts.redact;
  if (redact !== undefined && redact.matches(event)) {
    if (givenId === undefined) redactedId = redactedContentId(event, time, redact.key);
    redact.apply(event);
  }
  event['event.id'] = givenId ?? redactedId ?? contentId(event, time);
  // Built here in one literal: a spread of this into another object cost ~0.8 µs a line.
  return { event, format: p.format, contentId: givenId === undefined && redactedId === undefined, derivedId: givenId === undefined, time };
}

/** What `new Date(ms).getTime()` gives (ECMAScript TimeClip), without a Date an event. */
function timeClip(ms: number): number {
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return NaN;
  return Math.trunc(ms) + 0;
}

function moveAside(fields: FlatRecord, key: string, to: string): void {
  if (!hasField(fields, key)) return;
  const value = fields[key]!;
  // A canonical level stays where it is (finish takes it).
  if (key === 'level' && typeof value === 'string' && LEVEL_SET.has(value)) return;
  dropField(fields, key);
  putField(fields, to, value);
}

/** The id the source or agent gave; otherwise finish() derives one from the content (content-id.ts). */
function givenEventId(given: FieldValue | undefined): string | undefined {
  if (typeof given === 'string' && given !== '') return given;
  if (typeof given === 'number') return String(given);
  return undefined;
}
