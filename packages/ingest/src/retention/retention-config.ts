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

/** Where a value's mistake goes: a key's path (`retention.classes[0].days`) and what is wrong, in words that follow it. */
export type RetentionMistake = (path: string, detail: string) => void;

/**
 * Validates a retention section for a store opened from code (no file, so
 * no place to name), filling defaults for absent keys and rejecting unknown
 * ones, as the rest of the config does: the first mistake throws
 * LS_STORE_RETENTION_CONFIG. The server config checks the same values with
 * checkRetentionConfig, its schema having checked the keys. Returns a
 * frozen object.
 */
export function validateRetentionConfig(input: unknown): RetentionConfig {
  if (input === undefined || input === null) return DEFAULT_RETENTION;
  if (typeof input !== 'object' || Array.isArray(input)) bad('retention must be an object');
  const raw = input as Record<string, unknown>;
  for (const key of Object.keys(raw)) if (!TOP_KEYS.includes(key)) unknownKey(key, 'retention', TOP_KEYS);
  if (Array.isArray(raw.classes)) {
    raw.classes.forEach((c: unknown, i: number) => {
      if (typeof c !== 'object' || c === null || Array.isArray(c)) return;
      for (const key of Object.keys(c)) if (!CLASS_KEYS.includes(key)) unknownKey(key, `retention.classes[${i}]`, CLASS_KEYS);
    });
  }
  return checkRetentionConfig(input, (path, detail) => bad(`${path} ${detail}`));
}

/**
 * The values of a retention section, each mistake told to `mistake` (the
 * server config makes each an LS_CONFIG_INVALID at its key's line) and
 * every one checked: a default, or no class, stands in for a wrong value.
 * Keys are not checked here (RETENTION_KEYS_SCHEMA, validateRetentionConfig).
 */
export function checkRetentionConfig(input: unknown, mistake: RetentionMistake): RetentionConfig {
  if (input === undefined || input === null) return DEFAULT_RETENTION;
  if (typeof input !== 'object' || Array.isArray(input)) {
    mistake('retention', 'must be a mapping (default_days, classes, check_interval_s)');
    return DEFAULT_RETENTION;
  }
  const raw = input as Record<string, unknown>;
  const positive = (value: unknown, path: string, unit: 'days' | 'seconds', fallback: number): number => {
    if (value === undefined) return fallback;
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
    // "14d" and "thirty" are text: the unit is in the key's name, the value is a bare number.
    mistake(path, `must be a positive number of ${unit}, written without a unit (${unit === 'days' ? 14 : 600}), not ${JSON.stringify(value)}`);
    return fallback;
  };
  const default_days = positive(raw.default_days, 'retention.default_days', 'days', DEFAULT_RETENTION.default_days);
  const check_interval_s = positive(raw.check_interval_s, 'retention.check_interval_s', 'seconds', DEFAULT_RETENTION.check_interval_s);
  let classes = DEFAULT_RETENTION.classes;
  if (raw.classes !== undefined) {
    if (!Array.isArray(raw.classes)) {
      mistake('retention.classes', 'must be a list of classes (name, match, days)');
      return Object.freeze({ default_days, classes: Object.freeze([]) as unknown as RetentionClassConfig[], check_interval_s });
    }
    const seen = new Map<string, string>();
    classes = raw.classes.flatMap((c: unknown, i: number) => {
      const where = `retention.classes[${i}]`;
      if (typeof c !== 'object' || c === null || Array.isArray(c)) {
        mistake(where, 'must be a mapping (name, match, days)');
        return [];
      }
      const cls = c as Record<string, unknown>;
      let sound = true;
      if (typeof cls.name !== 'string' || !CLASS_NAME.test(cls.name)) {
        mistake(`${where}.name`, `must be 1 to 64 letters, digits, _ or - (it names partitions), not ${JSON.stringify(cls.name)}`);
        sound = false;
      } else if (cls.name === DEFAULT_CLASS) {
        mistake(`${where}.name`, `"${DEFAULT_CLASS}" is reserved: it is the class of events no class matches (their age is retention.default_days)`);
        sound = false;
      } else if (seen.has(cls.name)) {
        mistake(`${where}.name`, `"${cls.name}" repeats the name of ${seen.get(cls.name)}.name: each class needs its own`);
        sound = false;
      } else {
        seen.set(cls.name, where);
      }
      if (typeof cls.match !== 'string' || cls.match.trim() === '') {
        mistake(`${where}.match`, 'must be a query (level:error, logger:audit)');
        sound = false;
      }
      // A wrong age keeps its class (with the default's age standing in), so its match is still checked.
      const days = cls.days === undefined ? default_days : positive(cls.days, `${where}.days`, 'days', default_days);
      if (cls.days === undefined) mistake(`${where}.days`, 'is required: how many days its events are kept (90)');
      if (!sound) return [];
      return [Object.freeze({ name: cls.name as string, match: cls.match as string, days })];
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
