import type { FieldValue, Level } from '@logship/query/core';
import { levelFromAny } from '../level-from.js';
import { dropField, hasField, putField, type FlatRecord } from '../flatten-fields.js';
import { parseTimestamp } from '../parse-timestamp.js';
import { renderMessageTemplate } from './render-message-template.js';
import { takeLevel, takeScalarText, takeString, takeTime, type Canonical, type FormatMapper, type MapContext, UTC_CONTEXT } from './format-mapper.js';

/**
 * structlog and every other JSON logger (zap, winston, logback's logstash
 * encoder and JsonEncoder, log4j2's JsonLayout, GELF, Serilog's compact
 * `@t/@m/@mt/@l`): the usual names for level (`level`, `severity`, `lvl`),
 * message (`msg`, `message`, structlog's `event`), time (`timestamp`,
 * `time`, `ts`, log4j2's `instant`) and logger (`logger`, Java's
 * `loggerName`, GELF's `_logger`), and HashiCorp's hclog (Vault, Consul,
 * Nomad, Terraform: `@level`, `@message`, `@module`). Always matches, so
 * it goes last.
 *
 * ECS's `host.name` and `log.file.path` are host and source here too, as in
 * ecs-format: Logstash's events (ECS names since 8.0, `@version`, no
 * `ecs.version` or `log.level`) land here, and their host and file were
 * otherwise only fields, so a search by host and the lines around an event
 * missed them. Vector's events name the file their `file` and source
 * (kubernetes_logs, file) sources read in `file`, beside `source_type`: the
 * same thing, read only with that marker, as an application's own `file`
 * field means something else.
 */
export const genericJsonFormat: FormatMapper = {
  name: 'json',
  detect: () => true,
  map(f: FlatRecord, ctx: MapContext = UTC_CONTEXT): Canonical {
    return {
      level: takeLevel(f, toLevel, 'level', 'severity', 'lvl', 'loglevel', 'log_level', 'log.level', 'levelname', '@l', '@level'),
      message: structlogEvent(f) ?? takeString(f, 'message', 'msg', 'event', 'short_message', '@m', '@message') ?? templateMessage(f) ?? takeScalarText(f, 'msg'),
      time: takeTime(f, ctx, '@timestamp', 'timestamp', 'time', 'ts', 'datetime', 'date', '@t') ?? takeInstant(f) ?? takeTime(f, ctx, 'timeMillis'),
      logger: takeString(f, 'logger', 'logger_name', 'log.logger', 'loggerName', '_logger', '_logger_name', '@module'),
      host: takeString(f, 'host', 'hostname', 'host.name'),
      source: takeString(f, 'log.file.path') ?? (VECTOR_FILE_SOURCES.has(String(f.source_type)) ? takeString(f, 'file') : undefined),
    };
  },
};

/**
 * structlog's message is `event`; a `message` beside it is a keyword
 * argument of the call (`log.info("email sent", message=body)`), which
 * structlog puts before `event` (the event dict is the bound context, the
 * call's keywords, then `event`), and before what processors add after it
 * (`level`, `timestamp`). So `event` is the message when a `message` comes
 * before it and none of `level`, `timestamp`, `logger` does; that `message` stays
 * as `message_original`. Otherwise (structlog's EventRenamer("message",
 * replace_by=...) runs after those processors and leaves `event` a keyword
 * argument; a schema whose `event` names a kind of event) `message` wins
 * and `event` stays a field.
 */
function structlogEvent(f: FlatRecord): string | undefined {
  const event = f.event;
  if (typeof event !== 'string' || !Object.hasOwn(f, 'event') || !hasField(f, 'message')) return undefined;
  const keys = Object.keys(f).filter((k) => hasField(f, k));
  const at = keys.indexOf('event');
  if (keys.indexOf('message') > at || keys.slice(0, at).some((k) => STRUCTLOG_PROCESSOR_KEYS.has(k))) return undefined;
  putField(f, 'message_original', f.message!);
  dropField(f, 'message');
  dropField(f, 'event');
  return event;
}

/** What structlog's usual processors (add_log_level, TimeStamper, add_logger_name) add after `event`. */
const STRUCTLOG_PROCESSOR_KEYS: ReadonlySet<string> = new Set(['level', 'timestamp', 'logger']);

/** Vector sources whose events carry the path they read in `file`. */
const VECTOR_FILE_SOURCES: ReadonlySet<string> = new Set(['file', 'kubernetes_logs']);

/**
 * A time in two parts, whole seconds and nanoseconds:
 * - log4j2's JsonLayout (and JsonTemplateLayout's JsonLayout.json) writes
 *   `instant: {epochSecond, nanoOfSecond}` (its older versions `timeMillis`);
 * - a protobuf Timestamp written as an object, `timestamp: {seconds, nanos}`
 *   (Google Cloud's structured logging, gRPC services logging their
 *   messages; protobuf's JSON mapping writes int64 seconds as a string);
 * - Cloud Logging's own special fields `timestampSeconds`, `timestampNanos`.
 * Read to the millisecond; both parts dropped once read.
 */
const SECONDS_NANOS: readonly (readonly [string, string])[] = [
  ['instant.epochSecond', 'instant.nanoOfSecond'],
  ['timestamp.seconds', 'timestamp.nanos'],
  ['time.seconds', 'time.nanos'],
  ['timestampSeconds', 'timestampNanos'],
];

function takeInstant(f: FlatRecord): number | undefined {
  for (const [secondsKey, nanosKey] of SECONDS_NANOS) {
    if (!Object.hasOwn(f, secondsKey)) continue;
    const seconds = wholeNumber(f[secondsKey]);
    if (seconds === undefined) continue;
    const nanos = Object.hasOwn(f, nanosKey) ? wholeNumber(f[nanosKey]) : undefined;
    const ms = parseTimestamp(seconds);
    if (ms === undefined) continue;
    dropField(f, secondsKey);
    if (nanos !== undefined && nanos < 1e9) dropField(f, nanosKey);
    return ms + (nanos !== undefined && nanos < 1e9 ? Math.floor(nanos / 1e6) : 0);
  }
  return undefined;
}

/** A non-negative safe integer, or the decimal text of one (protobuf JSON's int64). */
function wholeNumber(value: FieldValue | undefined): number | undefined {
  const n = typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** Serilog's `@mt` rendered (render-message-template.ts); the template stays as a field, to group by. */
function templateMessage(f: FlatRecord): string | undefined {
  const template = f['@mt'];
  return typeof template === 'string' && Object.hasOwn(f, '@mt') ? renderMessageTemplate(template, f) : undefined;
}

function toLevel(value: FieldValue | undefined): Level | undefined {
  return typeof value === 'string' || typeof value === 'number' ? levelFromAny(value) : undefined;
}
