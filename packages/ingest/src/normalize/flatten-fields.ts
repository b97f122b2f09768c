import type { FieldValue } from '@logship/query';
import type { NormalizeLimits } from './limits.js';
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
 * Sets a field without losing what is already there: when `key` holds
 * another value, the new one goes to `<key>_original` (then `_original_2`,
 * …). A mapper may rename, never lose (issue 15): this is where two values
 * want the same name.
 */
export function putField(out: FlatRecord, key: string, value: FieldValue): void {
  if (!Object.hasOwn(out, key) || out[key] === value) {
    setField(out, key, value);
    return;
  }
  for (let n = 1; ; n++) {
    const aside = n === 1 ? `${key}_original` : `${key}_original_${n}`;
    if (!Object.hasOwn(out, aside) || out[aside] === value) {
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
 * - at most `max_fields` fields, strings at most `max_value_bytes`.
 */
export function flattenFields(
  input: Record<string, unknown>,
  limits: NormalizeLimits,
): { fields: FlatRecord; flags: FlattenFlags } {
  const fields: FlatRecord = {};
  const flags: FlattenFlags = { truncated: false, fieldsCapped: false, depthCapped: false };
  let count = 0;

  const put = (key: string, value: FieldValue): void => {
    if (!(key in fields)) {
      if (count >= limits.max_fields) {
        flags.fieldsCapped = true;
        return;
      }
      count++;
    }
    if (typeof value === 'string') {
      const cut = truncateValue(value, limits.max_value_bytes);
      if (cut !== value) flags.truncated = true;
      value = cut;
    }
    setField(fields, key, value);
  };

  const walk = (obj: Record<string, unknown>, prefix: string, depth: number): void => {
    for (const key of Object.keys(obj)) {
      const value = obj[key];
      const name = prefix === '' ? key : `${prefix}.${key}`;
      if (value === null || value === undefined) continue;
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
        put(name, value);
      } else if (Array.isArray(value)) {
        put(name, JSON.stringify(value));
      } else if (typeof value === 'object') {
        if (depth >= limits.max_depth) {
          flags.depthCapped = true;
          put(name, JSON.stringify(value));
        } else {
          walk(value as Record<string, unknown>, name, depth + 1);
        }
      }
    }
  };

  walk(input, '', 1);
  return { fields, flags };
}
