import type { FieldValue, Level } from '@logship/query/core';
import { dropField, hasField, type FlatRecord } from '../flatten-fields.js';
import { parseTimestamp } from '../parse-timestamp.js';

/** What a format contributes to the canonical fields (DESIGN.md §3). */
export interface Canonical {
  /** Event time, epoch ms. */
  time?: number;
  level?: Level;
  message?: string;
  logger?: string;
  host?: string;
  source?: string;
  unit?: string;
}

/** What a mapper needs besides the record. */
export interface MapContext {
  /** IANA zone for times written without an offset (parse-timestamp.ts). */
  timeZone: string;
}

export const UTC_CONTEXT: MapContext = Object.freeze({ timeZone: 'UTC' });

/**
 * One source format. `detect` looks at the flattened record; `map` moves the
 * format's own keys into canonical fields, dropping what it consumed
 * (dropField: the key stays, undefined) and leaving every other field where
 * it is.
 */
export interface FormatMapper {
  readonly name: string;
  detect(fields: FlatRecord): boolean;
  map(fields: FlatRecord, ctx?: MapContext): Canonical;
}

/** Removes (dropField) and returns a field. */
export function take(fields: FlatRecord, key: string): FieldValue | undefined {
  if (!hasField(fields, key)) return undefined;
  const value = fields[key];
  dropField(fields, key);
  return value;
}

/** Removes and returns the first of `keys` holding a string (other types stay as fields). */
export function takeString(fields: FlatRecord, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const value = fields[key];
    if (typeof value === 'string' && Object.hasOwn(fields, key)) {
      dropField(fields, key);
      return value;
    }
  }
  return undefined;
}

/**
 * Removes and returns a number or boolean under `key` as its text: a
 * message a logger was handed as is (pino's `log.info(42)` writes
 * `"msg": 42`), which a message key holding no string would otherwise
 * leave out of `message`.
 */
export function takeScalarText(fields: FlatRecord, key: string): string | undefined {
  const value = fields[key];
  if ((typeof value !== 'number' && typeof value !== 'boolean') || !Object.hasOwn(fields, key)) return undefined;
  dropField(fields, key);
  return String(value);
}

/**
 * Removes and returns the first of `keys` that parses as a time (offset-less
 * text read in `ctx.timeZone`); an unparseable value stays as a field.
 */
export function takeTime(fields: FlatRecord, ctx: MapContext, ...keys: string[]): number | undefined {
  for (const key of keys) {
    if (!hasField(fields, key)) continue;
    const ms = parseTimestamp(fields[key], ctx.timeZone);
    if (ms !== undefined) {
      dropField(fields, key);
      return ms;
    }
  }
  return undefined;
}

/** Removes and returns the first of `keys` whose value `toLevel` understands. */
export function takeLevel(
  fields: FlatRecord,
  toLevel: (value: FieldValue | undefined) => Level | undefined,
  ...keys: string[]
): Level | undefined {
  for (const key of keys) {
    if (!hasField(fields, key)) continue;
    const level = toLevel(fields[key]);
    if (level !== undefined) {
      dropField(fields, key);
      return level;
    }
  }
  return undefined;
}

/** Number from a number or a numeric string (nginx and journald write numbers as strings). */
export function toNumber(value: FieldValue | undefined): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^-?\d+(?:\.\d+)?$/.test(value.trim())) return Number(value);
  return undefined;
}
