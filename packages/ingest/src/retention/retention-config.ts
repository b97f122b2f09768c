/**
 * Retention tiers (DESIGN.md §5): a default age plus classes, each a query;
 * the first class whose query matches an event decides how long it lives.
 * Ages count from the event's @timestamp.
 */
import { nearestName } from '@logship/query/core';
import { storeError } from '../store/store-error.js';

export interface RetentionClassConfig {
  /** Used in partition names: letters, digits, `_` and `-` only. */
  name: string;
  /** A query in the logship query language. */
  match: string;
  days: number;
}

export interface RetentionConfig {
  default_days: number;
  classes: RetentionClassConfig[];
  /** How often the server enforces retention. */
  check_interval_s: number;
}

/** The name of the class of events no configured class matches. */
export const DEFAULT_CLASS = 'default';

export const DAY_MS = 86_400_000;

export const DEFAULT_RETENTION: RetentionConfig = Object.freeze({
  default_days: 30,
  classes: Object.freeze([
    Object.freeze({ name: 'errors', match: 'level:(error OR critical OR alert OR emergency)', days: 90 }),
    Object.freeze({ name: 'debug', match: 'level:(debug OR trace)', days: 7 }),
  ]) as RetentionClassConfig[],
  check_interval_s: 600,
}) as RetentionConfig;

const CLASS_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The keys of a retention section, as a JSON Schema the server config's
 * schema embeds (config/server-config.ts): a misspelt key there is the
 * same LS_CONFIG_UNKNOWN_KEY, with "did you mean" and its line, as any
 * other key of the file. The values are checked below (validateRetentionConfig).
 */
export const RETENTION_KEYS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    default_days: {},
    check_interval_s: {},
    classes: {
      type: 'array',
      items: { type: 'object', additionalProperties: false, properties: { name: {}, match: {}, days: {} } },
    },
  },
} as const;

const TOP_KEYS = Object.keys(RETENTION_KEYS_SCHEMA.properties);
const CLASS_KEYS = Object.keys(RETENTION_KEYS_SCHEMA.properties.classes.items.properties);

function bad(detail: string): never {
  throw storeError('LS_STORE_RETENTION_CONFIG', detail);
}

function unknownKey(key: string, where: string, known: readonly string[]): never {
  const near = nearestName(key, known);
  bad(`unknown key ${where}.${key}${near !== null ? `; did you mean "${near}"?` : ''}`);
}

function positiveDays(value: unknown, where: string, unit = 'days'): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    bad(`${where} must be a positive number of ${unit}, got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * Validates a retention section (from YAML or code), filling defaults for
 * absent keys and rejecting unknown ones, as the rest of the config does.
 * Returns a frozen object.
 */
export function validateRetentionConfig(input: unknown): RetentionConfig {
  if (input === undefined || input === null) return DEFAULT_RETENTION;
  if (typeof input !== 'object' || Array.isArray(input)) bad('retention must be an object');
  const raw = input as Record<string, unknown>;
  for (const key of Object.keys(raw)) if (!TOP_KEYS.includes(key)) unknownKey(key, 'retention', TOP_KEYS);
  const default_days =
    raw.default_days === undefined ? DEFAULT_RETENTION.default_days : positiveDays(raw.default_days, 'retention.default_days');
  const check_interval_s =
    raw.check_interval_s === undefined
      ? DEFAULT_RETENTION.check_interval_s
      : positiveDays(raw.check_interval_s, 'retention.check_interval_s', 'seconds');
  let classes = DEFAULT_RETENTION.classes;
  if (raw.classes !== undefined) {
    if (!Array.isArray(raw.classes)) bad('retention.classes must be a list');
    const seen = new Set<string>([DEFAULT_CLASS]);
    classes = raw.classes.map((c: unknown, i: number) => {
      const where = `retention.classes[${i}]`;
      if (typeof c !== 'object' || c === null || Array.isArray(c)) bad(`${where} must be an object`);
      const cls = c as Record<string, unknown>;
      for (const key of Object.keys(cls)) if (!CLASS_KEYS.includes(key)) unknownKey(key, where, CLASS_KEYS);
      if (typeof cls.name !== 'string' || !CLASS_NAME.test(cls.name)) {
        bad(`${where}.name must match ${CLASS_NAME.source}`);
      }
      if (seen.has(cls.name)) bad(`${where}.name "${cls.name}" is used twice or is reserved`);
      seen.add(cls.name);
      if (typeof cls.match !== 'string' || cls.match.trim() === '') bad(`${where}.match must be a query string`);
      return Object.freeze({ name: cls.name, match: cls.match, days: positiveDays(cls.days, `${where}.days`) });
    });
  }
  return Object.freeze({ default_days, classes: Object.freeze(classes) as RetentionClassConfig[], check_interval_s });
}

/** Same classes (order matters: first match wins), queries and days; the check interval aside, which decides no event. */
export function samePolicy(a: Pick<RetentionConfig, 'default_days' | 'classes'>, b: Pick<RetentionConfig, 'default_days' | 'classes'>): boolean {
  return (
    a.default_days === b.default_days &&
    a.classes.length === b.classes.length &&
    a.classes.every((c, i) => c.name === b.classes[i]!.name && c.match === b.classes[i]!.match && c.days === b.classes[i]!.days)
  );
}
