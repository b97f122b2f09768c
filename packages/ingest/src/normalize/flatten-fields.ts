import { plainRecord } from './plain-record.js';
import type { FieldValue } from '@logship/query/core';
import type { NormalizeLimits } from './limits.js';
import { jsonText } from './json-text.js';
import { truncateValue } from './truncate-value.js';

/** A flat event under construction: dotted keys, scalar values. */
export type FlatRecord = Record<string, FieldValue>;

export interface FlattenFlags {
  truncated: boolean;
  fieldsCapped: boolean;
  depthCapped: boolean;
}

/**
 * Sets a key on a plain object even when the key is `__proto__`, which a
 * plain assignment would treat as the prototype (JSON.parse makes it an own
 * key, so a hostile line can carry it).
 */
export function setField(out: FlatRecord, key: string, value: FieldValue): void {
  if (key === '__proto__') {
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    out[key] = value;
  }
}

/**
 * Whether a record holds `key`: an own key whose value is not undefined
 * (dropField leaves undefined behind; JSON never gives it).
 */
export function hasField(fields: FlatRecord, key: string): boolean {
  return fields[key] !== undefined && Object.hasOwn(fields, key);
}

/**
 * Removes a field from a record under construction by leaving `undefined`
 * in its place, which hasField, putField and normalize-line's `finish` (the
 * only reader of the whole record) treat as absent. Not `delete`: deleting
 * a key other than the last one turns a parsed line's object into a
 * dictionary, and every later read and write of it, and Object.keys, goes
 * the slow way (in one process, normalize + prepare of the bench corpus,
 * CPU on all threads: 11.2 → 10.8 µs a line, medians of 5 runs alternated).
 */
export function dropField(fields: FlatRecord, key: string): void {
  if (hasField(fields, key)) (fields as Record<string, FieldValue | undefined>)[key] = undefined;
}

/**
 * Sets a field without losing what is already there: when `key` holds
 * another value, the new one goes to `<key>_original` (then `_original_2`,
 * …). A mapper may rename, never lose (issue 15): this is where two values
 * want the same name.
 */
export function putField(out: FlatRecord, key: string, value: FieldValue): void {
  if (!hasField(out, key) || out[key] === value) {
    setField(out, key, value);
    return;
  }
  for (let n = 1; ; n++) {
    const aside = n === 1 ? `${key}_original` : `${key}_original_${n}`;
    if (!hasField(out, aside) || out[aside] === value) {
      setField(out, aside, value);
      return;
    }
  }
}

/**
 * Flattens a parsed JSON object into dotted keys (`{"http":{"status":200}}`
 * → `http.status: 200`) so every backend sees the same field names.
 *
 * - arrays become their JSON text: the event contract has scalar fields only;
 * - `null` is dropped, as Elasticsearch treats it: a null field is missing;
 * - objects deeper than `max_depth` are kept whole as JSON text;
 * - strings at most `max_value_bytes`;
 * - a dotted key and a nested path that flatten to one name both stay:
 *   the later one in the document as `<name>_original` (putField).
 *
 * The field count is not capped here but once the event is built
 * (normalize-line's `finish`), so the cap can keep the core fields: JS
 * objects list integer-like keys first, and a line with keys "0"…"599" must
 * not push `message` or `event.id` out. The line length bounds the count.
 *
 * The walk uses an explicit stack: the sender controls the nesting depth,
 * and the call stack must not (a 5,000-deep object once failed the batch).
 */
export function flattenFields(
  input: Record<string, unknown>,
  limits: NormalizeLimits,
  owned = false,
): { fields: FlatRecord; flags: FlattenFlags } {
  const flags: FlattenFlags = { truncated: false, fieldsCapped: false, depthCapped: false };
  // A flat object the caller parsed itself (`owned`: nobody else holds it)
  // is already what this returns: most lines are flat, and a copy of every
  // line's fields was a tenth of normalizing it.
  if (owned && isFlat(input, limits.max_value_bytes)) return { fields: input as FlatRecord, flags };
  const fields = plainRecord<FlatRecord>();
  const cap = limits.max_value_bytes;

  // Objects still to walk, with their key prefix and depth; reversed pushes
  // keep the keys in document order.
  const pending: { obj: Record<string, unknown>; prefix: string; depth: number; keys: string[]; i: number }[] = [
    { obj: input, prefix: '', depth: 1, keys: Object.keys(input), i: 0 },
  ];
  while (pending.length > 0) {
    const frame = pending[pending.length - 1]!;
    if (frame.i >= frame.keys.length) {
      pending.pop();
      continue;
    }
    const key = frame.keys[frame.i++]!;
    const value = frame.obj[key];
    const name = frame.prefix === '' ? key : `${frame.prefix}.${key}`;
    if (value === null || value === undefined) continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      put(fields, flags, cap, name, value);
    } else if (Array.isArray(value)) {
      put(fields, flags, cap, name, jsonText(value, cap));
    } else if (typeof value === 'object') {
      if (frame.depth >= limits.max_depth) {
        flags.depthCapped = true;
        put(fields, flags, cap, name, jsonText(value, cap));
      } else {
        const obj = value as Record<string, unknown>;
        pending.push({ obj, prefix: name, depth: frame.depth + 1, keys: Object.keys(obj), i: 0 });
      }
    }
  }
  return { fields, flags };
}

/**
 * A flattened field, a string cut to the value cap. Module-level, not a
 * closure per call: V8 drops a per-call closure's optimized code at each
 * major GC. A nested value comes as its JSON text (jsonText), written no
 * longer than the cap needs.
 */
function put(fields: FlatRecord, flags: FlattenFlags, cap: number, key: string, value: FieldValue): void {
  if (typeof value === 'string') {
    const cut = truncateValue(value, cap);
    if (cut !== value) flags.truncated = true;
    value = cut;
  }
  // putField: `{"a.b": 1, "a": {"b": 2}}` flattens both to `a.b`; the
  // second is kept as `a.b_original`, not written over the first.
  putField(fields, key, value);
}

/** Every value a string (short enough to keep whole), a number or a boolean. */
function isFlat(input: Record<string, unknown>, maxValueBytes: number): boolean {
  for (const key in input) {
    const v = input[key];
    switch (typeof v) {
      case 'string':
        if (v.length * 3 > maxValueBytes && truncateValue(v, maxValueBytes) !== v) return false;
        break;
      case 'number':
      case 'boolean':
        break;
      default:
        return false;
    }
  }
  return true;
}
