/**
 * How a LogEvent is laid out in an Elasticsearch document, and back.
 *
 *   LogEvent {"@timestamp", "event.id", level, message, status: 500, "http.method": "GET", ...}
 *      │
 *      ▼  eventToDocument
 *   { "@timestamp", "event.id", "@class",          sort / time range / retention class
 *     "level",                                      keyword, lowercase normalizer
 *     "@text": "get api v1 items 500",              message tokens (tokenize()), whitespace analyzer
 *     "@txt":  { "exc_info": "traceback most ..." }, tokens of the other text fields, the same way
 *     "@kw":   { "http.method": "GET", ... },       every string value, keyword
 *     "@num":  { "status": 500, ... },              every number value, double
 *     "@bool": { ... },                             every boolean value
 *     "@event": { ...the event exactly as given } } not indexed (enabled: false); what hits return
 *
 * Why typed copies instead of mapping the event's own fields: a log field is
 * a number in one line and a string in the next (`status: "200"` from a
 * misconfigured nginx); mapped as itself the second line would be rejected
 * or silently dropped, while the query language compares each value by its
 * own type (fields.ts: keyword_eq matches a string OR a number). Keeping the
 * original under `@event` returns every value with its type intact, and
 * dotted keys (`http` next to `http.status`) never collide, because `@event`
 * is not parsed and the typed objects use `subobjects: false`.
 *
 * Why `@text` instead of analyzing `message`: the integ-test distribution has
 * no analysis-common module (no pattern tokenizer), and tokenizing here with
 * the query package's own tokenize() is exact for all of Unicode, not only
 * ASCII. Tokens contain no whitespace, so the built-in `whitespace` analyzer
 * gives back exactly these tokens at adjacent positions (phrases work).
 */
import { arrayElements, setEventField, tokenize, type LogEvent } from '@logship/query/core';

export const TEXT_FIELD = '@text';
export const SOURCE_FIELD = '@event';
export const CLASS_FIELD = '@class';
export const KEYWORD_PREFIX = '@kw.';
export const NUMBER_PREFIX = '@num.';
export const BOOLEAN_PREFIX = '@bool.';
/** Tokens of the text fields other than message (query package DEFAULT_TEXT_FIELDS / `search.text_fields`). */
export const OTHER_TEXT_PREFIX = '@txt.';

/**
 * Fields that get no keyword/number/boolean copy: they have their own
 * mapping. `message` does get one, besides its tokens in `@text`: terms
 * over messages ("the most frequent errors") count it, and it is what the
 * index template's ECS alias `message` shows people reading the indices.
 */
const UNTYPED = new Set(['@timestamp']);

/**
 * Field names Elasticsearch can take as they are (dot-separated non-empty
 * segments, no wildcard characters, which `exists` would expand). Anything
 * else is hex-encoded behind a `~`, which no safe name contains, so the two
 * spaces never collide. Writes and queries both go through this function.
 */
const SAFE_NAME = /^[A-Za-z0-9_@$-]+(?:\.[A-Za-z0-9_@$-]+)*$/;

/** Names seen recently (log lines repeat the same few dozen keys); bounded. */
const NAME_CACHE = new Map<string, string>();
const NAME_CACHE_MAX = 4096;

export function esFieldName(field: string): string {
  const cached = NAME_CACHE.get(field);
  if (cached !== undefined) return cached;
  const name = SAFE_NAME.test(field) && field.length <= 200 ? field : `~${Buffer.from(field, 'utf8').toString('hex')}`;
  if (NAME_CACHE.size >= NAME_CACHE_MAX) NAME_CACHE.clear();
  NAME_CACHE.set(field, name);
  return name;
}

/**
 * Array elements (query package array-values.ts): a string that is an
 * array's JSON text keeps its keyword copy, and its elements are indexed
 * as well, each by its type, under the field's name and this suffix
 * (`@kw.tags~el`, `@num.codes~el`, `@bool.flags~el`), so `tags:a` finds
 * `["a","b"]`; stats of `tags` see the one (string) value, and terms
 * count the elements of the keyword copy's text (es-aggregate.ts).
 * No field's own name ends so: safe names hold no `~`, and a hex-encoded
 * one holds it only first. In the existing typed objects, so indices
 * created before need no new mapping.
 */
export const ELEMENT_SUFFIX = '~el';

export const keywordField = (field: string): string => KEYWORD_PREFIX + esFieldName(field);
export const keywordElements = (field: string): string => KEYWORD_PREFIX + esFieldName(field) + ELEMENT_SUFFIX;
export const numberElements = (field: string): string => NUMBER_PREFIX + esFieldName(field) + ELEMENT_SUFFIX;
export const booleanElements = (field: string): string => BOOLEAN_PREFIX + esFieldName(field) + ELEMENT_SUFFIX;
export const numberField = (field: string): string => NUMBER_PREFIX + esFieldName(field);
export const booleanField = (field: string): string => BOOLEAN_PREFIX + esFieldName(field);
/** Where a text field's tokens are indexed: `@text` for message, `@txt.<name>` for the others. */
export const textField = (field: string): string => (field === 'message' ? TEXT_FIELD : OTHER_TEXT_PREFIX + esFieldName(field));

export type EsDocument = Record<string, unknown>;

/**
 * `otherTextFields`: the text fields besides message whose string values are
 * also indexed as tokens under `@txt` (they keep their keyword copy too).
 */
export function eventToDocument(event: LogEvent, className: string, otherTextFields: readonly string[] = []): EsDocument {
  const kw: Record<string, string | string[]> = {};
  const num: Record<string, number | number[]> = {};
  const bool: Record<string, boolean | boolean[]> = {};
  for (const [field, value] of Object.entries(event)) {
    if (UNTYPED.has(field) || value === null || value === undefined) continue;
    const name = esFieldName(field);
    if (typeof value === 'string') {
      setEventField(kw, name, value);
      const elements = arrayElements(value);
      if (elements !== null) addElements(name, elements, kw, num, bool);
    } else if (typeof value === 'number') {
      // NaN/Infinity are not JSON; a number that is not finite is not indexed.
      if (Number.isFinite(value)) setEventField(num, name, value);
    } else if (typeof value === 'boolean') setEventField(bool, name, value);
  }
  const doc: EsDocument = {
    '@timestamp': event['@timestamp'],
    'event.id': event['event.id'],
    [CLASS_FIELD]: className,
    [SOURCE_FIELD]: event,
  };
  if (typeof event.level === 'string') doc.level = event.level;
  if (typeof event.message === 'string') doc[TEXT_FIELD] = tokenize(event.message).join(' ');
  let txt: Record<string, string> | null = null;
  for (const field of otherTextFields) {
    const value = Object.hasOwn(event, field) ? event[field] : undefined;
    if (typeof value === 'string') (txt ??= {})[esFieldName(field)] = tokenize(value).join(' ');
  }
  if (txt) doc['@txt'] = txt;
  if (Object.keys(kw).length) doc['@kw'] = kw;
  if (Object.keys(num).length) doc['@num'] = num;
  if (Object.keys(bool).length) doc['@bool'] = bool;
  return doc;
}

/** An array's elements into the typed copies (ELEMENT_SUFFIX), each kind only when it has some. */
function addElements(
  name: string,
  elements: readonly (string | number | boolean)[],
  kw: Record<string, unknown>,
  num: Record<string, unknown>,
  bool: Record<string, unknown>,
): void {
  const strings: string[] = [];
  const numbers: number[] = [];
  const booleans: boolean[] = [];
  for (const e of elements) {
    if (typeof e === 'string') strings.push(e);
    else if (typeof e === 'number') numbers.push(e);
    else booleans.push(e);
  }
  const key = name + ELEMENT_SUFFIX;
  if (strings.length) setEventField(kw, key, strings);
  if (numbers.length) setEventField(num, key, numbers);
  if (booleans.length) setEventField(bool, key, booleans);
}

/**
 * Field names Elasticsearch's `_source` filtering finds as they are under
 * `@event` (whose keys are the event's own, dots and all). Measured on
 * 8.19 with 2,500 generated names: one ending in `.` or in whitespace or a
 * control character (patterns are trimmed), or holding `\` (an escape) or
 * `*` (a wildcard), may come back without its key. Names with an empty
 * segment (`.a`, `a..b`) came back, but nothing documents it, so they are
 * left out too. A projection naming any other takes the whole `@event`.
 */
const FILTERABLE_NAME = /^[^.*\\]+(?:\.[^.*\\]+)*$/;
const filterable = (name: string): boolean => FILTERABLE_NAME.test(name) && name.charCodeAt(name.length - 1) > 0x20;

/**
 * The `_source` of a hit a search needs: the whole `@event`, or, for a
 * projection (`fields`), only those keys of it and the two every hit has,
 * so Elasticsearch reads, sends and the client parses no more of each
 * stored event than the answer holds. Filtering may return more than
 * asked (`http` brings `http.method` along, as a path prefix), never
 * less: documentToEvent keeps exactly the fields asked.
 */
export function sourceIncludes(fields?: readonly string[]): string[] {
  if (!fields || !fields.every(filterable)) return [SOURCE_FIELD];
  const names = new Set(['@timestamp', 'event.id', ...fields]);
  return [...names].map((f) => `${SOURCE_FIELD}.${f}`);
}

/** The stored event from a hit's `_source`, optionally projected. */
export function documentToEvent(source: unknown, fields?: readonly string[]): LogEvent {
  const event = (source as { [SOURCE_FIELD]?: LogEvent } | undefined)?.[SOURCE_FIELD];
  if (!event) throw new Error('hit without an @event source');
  if (!fields) return event;
  const out: LogEvent = { '@timestamp': event['@timestamp'], 'event.id': event['event.id'] };
  for (const f of fields) if (Object.hasOwn(event, f) && event[f] !== undefined) setEventField(out, f, event[f]);
  return out;
}
