import { levelFromText } from '../../../normalize/level-from.js';
import { parseJson } from '../../../normalize/parse-json.js';
import { setEventField, type Level } from '@logship/query/core';
import { bodyText } from '../../body-text.js';
import { errors, LogshipError } from '../../errors.js';
import type { IngestItem } from '../../ingest-batch.js';
import { decodeExportRequest } from './otlp-proto.js';
import { isSteeringKey } from '../steering-key.js';

/*
 * An OTLP ExportLogsServiceRequest (protobuf, or the OTLP/JSON encoding) ─►
 * one envelope item per log record:
 *
 *   resource attributes ─┐
 *   scope name/version/attributes ─┼─► meta (fields; host.name → host, severity → level,
 *   record attributes ─┘               trace_id/span_id as hex, otel.time_unix_nano)
 *   body: string ─► content text (a JSON line is normalized like any JSON line)
 *         kvlist ─► content object (flattened into fields)
 *   event.id = hash(resource, scope, record)
 */

export type OtlpEncoding = 'protobuf' | 'json';

type Obj = Record<string, unknown>;

export function decodeOtlpLogs(body: Buffer, encoding: OtlpEncoding): IngestItem[] {
  let request: Obj;
  if (encoding === 'protobuf') {
    try {
      request = decodeExportRequest(body);
    } catch (err) {
      throw errors.badProtobuf('OTLP ExportLogsServiceRequest', (err as Error).message);
    }
  } else {
    let parsed: unknown;
    try {
      // Protobuf's JSON mapping lets a 64-bit integer be a JSON number as
      // well as a string, and the Collector reads both: a nanosecond time
      // or an intValue past 2^53 is kept as its digits, not rounded (a time
      // rounded by JSON.parse was refused as "not Unix nanoseconds").
      parsed = parseJson(bodyText(body));
    } catch (err) {
      throw errors.badJsonBody((err as Error).message);
    }
    if (!isObj(parsed)) throw errors.badPayload('an OTLP logs export must be a JSON object with resourceLogs');
    // The Collector's OTLP receiver also takes the proto field names
    // (resource_logs, time_unix_nano), which protobuf's JSON printers write
    // when told to keep them; unread, such a body was answered 200 with
    // nothing stored.
    request = camelKeys(parsed, 0) as Obj;
  }
  const resourceLogs = messages(request.resourceLogs, 'resourceLogs');

  const items: IngestItem[] = [];
  let ref = 0;
  for (const [r, rl] of resourceLogs.entries()) {
    const resourceAttributes = isObj(rl.resource) ? rl.resource.attributes : undefined;
    const resource = attributes(resourceAttributes);
    // An empty key in the resource's or a scope's attributes refuses each of their records (emptyKeyIn).
    const resourceRefused = emptyKeyIn(resourceAttributes, 'its resource');
    const scopeLogs = messages(rl.scopeLogs, `resourceLogs[${r}].scopeLogs`);
    for (const [l, sl] of scopeLogs.entries()) {
      const scope = isObj(sl.scope) ? sl.scope : {};
      const scopeMeta: Obj = attributes(scope.attributes);
      const refusedBy = resourceRefused ?? emptyKeyIn(scope.attributes, 'its scope');
      if (typeof scope.name === 'string' && scope.name !== '') scopeMeta['otel.scope.name'] = scope.name;
      if (typeof scope.version === 'string' && scope.version !== '') scopeMeta['otel.scope.version'] = scope.version;
      const records = listOf(sl.logRecords, `resourceLogs[${r}].scopeLogs[${l}].logRecords`);
      for (const record of records) {
        ref++;
        try {
          if (refusedBy) throw errors.otlpEmptyAttributeKey(ref, refusedBy);
          items.push(recordItem(ref, record, resource, scopeMeta));
        } catch (err) {
          if (!(err instanceof LogshipError)) throw err;
          items.push({ kind: 'failed', ref, error: err });
        }
      }
    }
  }
  return items;
}

function recordItem(ref: number, record: unknown, resource: Obj, scopeMeta: Obj): IngestItem {
  if (!isObj(record)) throw errors.badPayload(`log record ${ref} is not an object`);
  const emptyKey = emptyKeyIn(record.attributes, 'the record') ?? emptyKeyInBody(record.body);
  if (emptyKey) throw errors.otlpEmptyAttributeKey(ref, emptyKey);
  const timeNs = nanos(record.timeUnixNano, 'timeUnixNano', ref);
  const observedNs = nanos(record.observedTimeUnixNano, 'observedTimeUnixNano', ref);
  const attrs = attributes(record.attributes);
  const meta: Obj = { ...resource, ...scopeMeta, ...attrs };
  if (typeof resource['host.name'] === 'string' && meta.host === undefined) meta.host = resource['host.name'];
  // The Collector's filelog receiver names the file it read (`include_file_path`): it is `source`, as the agent's path is.
  if (typeof meta['log.file.path'] === 'string' && meta.source === undefined) meta.source = meta['log.file.path'];

  const severityNumber = severityNumberOf(record.severityNumber);
  const severityText = typeof record.severityText === 'string' ? record.severityText : '';
  const level = levelFromSeverity(severityNumber) ?? (severityText !== '' ? levelFromText(severityText) : undefined);
  if (level) meta.level = level;
  if (severityText !== '') meta['otel.severity_text'] = severityText;
  if (Number.isInteger(severityNumber) && severityNumber > 0) meta['otel.severity_number'] = severityNumber;
  const traceId = hexId(record.traceId);
  const spanId = hexId(record.spanId);
  if (traceId) meta.trace_id = traceId;
  if (spanId) meta.span_id = spanId;
  if (typeof record.eventName === 'string' && record.eventName !== '') meta['event.name'] = record.eventName;
  const ns = timeNs !== '0' ? timeNs : observedNs;
  if (ns !== '0') meta['otel.time_unix_nano'] = ns;

  const body = isObj(record.body) ? anyValue(record.body) : undefined;
  let content: string | Obj;
  if (body === undefined) content = '';
  else if (typeof body === 'string') content = body;
  else if (isObj(body)) content = body;
  else content = typeof body === 'object' ? JSON.stringify(body) : String(body);

  // No event.id: the normalizer derives the content id (normalize/content-id.ts) from the
  // record's fields (resource, scope and record attributes, times, severity, body, trace),
  // so a collector's retry stores nothing twice and the block store keeps no id.
  const ms = Number(BigInt(ns) / 1_000_000n);
  return {
    kind: 'envelope',
    ref,
    content,
    meta,
    time: ms > 0 ? ms : undefined,
    bytes: typeof content === 'string' ? Buffer.byteLength(content) : JSON.stringify(content).length,
  };
}

/**
 * A record's severityNumber: OTLP/JSON says an integer, but protobuf's JSON
 * printers (Python's MessageToJson, Go's protojson) write the enum's name,
 * `SEVERITY_NUMBER_WARN`, and the Collector reads both.
 */
function severityNumberOf(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return 0;
  const named = SEVERITY_NAMES.indexOf(v.replace(/^SEVERITY_NUMBER_/, ''));
  return named >= 0 ? named : Number(v);
}

/** SeverityNumber's enum names, by number (opentelemetry-proto logs/v1/logs.proto). */
const SEVERITY_NAMES = ['UNSPECIFIED', ...['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'].flatMap((n) => [n, `${n}2`, `${n}3`, `${n}4`])];

/**
 * OTLP/JSON's object keys are all proto field names (attribute names are
 * values of `key`), so snake_case keys are renamed to the camelCase this
 * decoder reads; a camelCase key present too wins. Past 64 levels a value
 * is left as it is (anyValue reads 32), so a deep body cannot exhaust the stack.
 * A value with nothing to rename is returned as it is, not copied: camelCase
 * exports, nearly all of them, cost one walk and no allocation.
 */
function camelKeys(v: unknown, depth: number): unknown {
  if (depth > 64 || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const x = camelKeys(v[i], depth + 1);
      if (x !== v[i]) (out ??= v.slice())[i] = x;
    }
    return out ?? v;
  }
  const o = v as Obj;
  let out: Obj | undefined;
  const keys = Object.keys(o);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const x = camelKeys(o[k], depth + 1);
    const camel = k.includes('_') ? k.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase()) : k;
    if (camel === k && x === o[k] && out === undefined) continue;
    if (out === undefined) {
      out = {};
      for (let j = 0; j < i; j++) if (keys[j] !== '__proto__') out[keys[j]!] = o[keys[j]!];
    }
    if (camel === '__proto__' || (camel !== k && Object.hasOwn(o, camel))) continue;
    out[camel] = x;
  }
  return out ?? o;
}

/** OTel severity numbers: 1–4 TRACE, 5–8 DEBUG, 9–12 INFO, 13–16 WARN, 17–20 ERROR, 21–24 FATAL. */
export function levelFromSeverity(n: number): Level | undefined {
  if (!Number.isInteger(n) || n < 1 || n > 24) return undefined;
  if (n <= 4) return 'trace';
  if (n <= 8) return 'debug';
  if (n <= 12) return 'info';
  if (n <= 16) return 'warning';
  if (n <= 20) return 'error';
  return 'critical';
}

function nanos(v: unknown, name: string, ref: number): string {
  if (v === undefined || v === null || v === '' || v === 0) return '0';
  const s = typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? String(v) : v;
  if (typeof s !== 'string' || !/^\d{1,20}$/.test(s)) throw errors.badPayload(`log record ${ref}: ${name} must be Unix nanoseconds`);
  return s;
}

/**
 * A repeated field: absent or null is empty, as protobuf's JSON mapping
 * reads it; anything else but an array is refused with its path. A
 * `logRecords` (or `scopeLogs`) written as one object, not a list of one,
 * was answered 200 with nothing stored, so the sender dropped its logs.
 */
function listOf(value: unknown, path: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw errors.badPayload(`${path} must be an array`);
  return value;
}

/** A repeated message field whose elements must be objects (a record that is not is refused on its own: partialSuccess). */
function messages(value: unknown, path: string): Obj[] {
  const list = listOf(value, path);
  list.forEach((m, i) => {
    if (!isObj(m)) throw errors.badPayload(`${path}[${i}] must be an object`);
  });
  return list as Obj[];
}

/** Protobuf ids are bytes; OTLP/JSON carries them as hex already. */
function hexId(v: unknown): string | undefined {
  if (v instanceof Uint8Array) return v.length > 0 && v.some((b) => b !== 0) ? Buffer.from(v).toString('hex') : undefined;
  if (typeof v === 'string' && /^[0-9a-fA-F]+$/.test(v) && !/^0+$/.test(v)) return v.toLowerCase();
  return undefined;
}

/**
 * Where a KeyValue[] has a key `""` (or no key: protobuf's default and
 * OTLP/JSON's omitted `key` are that same empty string), said for the error
 * message; undefined when it has none.
 *
 * OpenTelemetry requires an attribute key to be a non-empty string; SDKs
 * discard such an attribute (the JS SDK, the Go SDK since 2026), the
 * Collector passes it on, and Loki's OTLP ingestion refuses the whole export
 * with a 400 ("label name is empty", otlplabels.AttributeToLabels). logship
 * refuses the records that carry it (LS_INGEST_OTLP_EMPTY_ATTRIBUTE_KEY, in
 * partial_success) and stores the export's others, as it does any record it
 * cannot take. Before, the attribute was dropped without a word: a field no
 * query can name, its value lost and nobody told.
 *
 * A map value's key "" is held to the same rule, at any depth: its keys
 * become field names as an attribute's do (`http` = {"": "x"} was stored as a
 * field `http.`, a kvlist body's "" as a field `""`). The specification names
 * no rule for a map's keys, and the JS SDK checks only the top level, so it
 * sends one. Loki flattens it to a label `http_` (its `_` joiner with nothing
 * after it) while refusing the same key at the top level: that is no defined
 * meaning to follow, and in logship it would be a field distinct from `http`
 * that differs from it only by a trailing dot.
 *
 * A map inside an array is not looked into: an array is stored as its JSON
 * text (docs/WIRE.md) and its objects are not flattened, so their keys name
 * no field. `items` = [{"": "x"}] is the field `items` holding that text,
 * which `items:*x*` finds, in either encoding. Refusing it would turn away
 * a record that loses nothing as it is.
 */
function emptyKeyIn(list: unknown, of: string): string | undefined {
  const path = emptyKeyPath(list, '', 0);
  if (path === undefined) return undefined;
  return path === '""' ? `an attribute of ${of}` : `a map value in the attributes of ${of}, at ${path},`;
}

/** Where a kvlist body has a key `""` (its keys become fields as an attribute's do). */
function emptyKeyInBody(body: unknown): string | undefined {
  if (!isObj(body) || !isObj(body.kvlistValue)) return undefined;
  const path = emptyKeyPath(body.kvlistValue.values, '', 1);
  return path === undefined ? undefined : `its kvlist body, at ${path},`;
}

/**
 * The dotted path to the first key `""` in a KeyValue[] or the kvlists in its values, as deep as
 * anyValue reads: the keys of a kvlist anyValue reads at depth d are looked at here at d + 1
 * (an attribute list is 0, a body's kvlist 1), and anyValue reads down to 32.
 */
function emptyKeyPath(list: unknown, prefix: string, depth: number): string | undefined {
  if (!Array.isArray(list) || depth > 33) return undefined;
  for (const kv of list) {
    if (!isObj(kv)) continue;
    if (kv.key === '' || kv.key === undefined || kv.key === null) return `${prefix}""`;
    if (typeof kv.key !== 'string' || !isObj(kv.value) || !isObj(kv.value.kvlistValue)) continue;
    const path = emptyKeyPath(kv.value.kvlistValue.values, `${prefix}${kv.key}.`, depth + 1);
    if (path !== undefined) return path;
  }
  return undefined;
}

/** KeyValue[] → plain object (later keys win; `__proto__` is a key like any other, set as an own field). */
function attributes(list: unknown): Obj {
  const out: Obj = {};
  if (!Array.isArray(list)) return out;
  for (const kv of list) {
    if (!isObj(kv) || typeof kv.key !== 'string' || kv.key === '') continue;
    const v = isObj(kv.value) ? anyValue(kv.value) : undefined;
    // An attribute is not the record's id or an envelope key (steering-key.ts); a resource's `event.id` made its records one.
    if (v === undefined) continue;
    if (kv.key === 'event' && isObj(v) && Object.hasOwn(v, 'id')) {
      // A kvlist `event` {id} flattens to `event.id` just the same.
      const { id, ...rest } = v;
      out['otel.event.id'] = id;
      if (Object.keys(rest).length > 0) out.event = rest;
      continue;
    }
    setEventField(out, isSteeringKey(kv.key) ? `otel.${kv.key}` : kv.key, v);
  }
  return out;
}

/** An AnyValue as plain JSON: kvlists become objects, arrays arrays, bytes base64, int64 a number when exact. */
function anyValue(v: Obj, depth = 0): unknown {
  if (depth > 32) return undefined;
  if (typeof v.stringValue === 'string') return v.stringValue;
  if (typeof v.boolValue === 'boolean') return v.boolValue;
  if (v.intValue !== undefined && v.intValue !== null) {
    const n = Number(v.intValue);
    return Number.isSafeInteger(n) ? n : String(v.intValue);
  }
  if (v.doubleValue !== undefined && v.doubleValue !== null) {
    const n = Number(v.doubleValue);
    return Number.isFinite(n) ? n : String(v.doubleValue);
  }
  if (isObj(v.arrayValue)) {
    const values = Array.isArray(v.arrayValue.values) ? v.arrayValue.values : [];
    return values.map((x) => (isObj(x) ? (anyValue(x, depth + 1) ?? null) : null));
  }
  if (isObj(v.kvlistValue)) {
    const out: Obj = {};
    const values = Array.isArray(v.kvlistValue.values) ? v.kvlistValue.values : [];
    for (const kv of values) {
      if (!isObj(kv)) continue;
      // Protobuf leaves a key "" off the wire and OTLP/JSON may omit it: absent is "", as for
      // emptyKeyPath. Only a map inside an array gets here with one (emptyKeyIn refused the
      // others), and its "" was dropped from protobuf exports, kept from JSON ones.
      const key = kv.key === undefined || kv.key === null ? '' : kv.key;
      if (typeof key !== 'string') continue;
      const x = isObj(kv.value) ? anyValue(kv.value, depth + 1) : undefined;
      if (x !== undefined) setEventField(out, key, x);
    }
    return out;
  }
  if (v.bytesValue instanceof Uint8Array) return Buffer.from(v.bytesValue).toString('base64');
  if (typeof v.bytesValue === 'string') return v.bytesValue;
  return undefined;
}

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array);
}
