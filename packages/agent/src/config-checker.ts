import { agentError } from './errors.js';
import { didYouMean } from './did-you-mean.js';

/**
 * The checks every part of the agent's config is read with (config.ts,
 * source-config.ts): each failure names the key's path, and an unknown key
 * is refused with the nearest allowed one.
 */

export type Obj = Record<string, unknown>;

export class Checker {
  constructor(readonly path: string) {}
  fail(msg: string): never {
    throw agentError('LS_AGENT_CONFIG_INVALID', this.path || '(root)', msg);
  }
  at(key: string | number): Checker {
    return new Checker(typeof key === 'number' ? `${this.path}[${key}]` : this.path ? `${this.path}.${key}` : key);
  }
}

const suggestion = (word: string, allowed: readonly string[]): string => {
  const s = didYouMean(word, allowed);
  return s !== undefined ? `; did you mean ${s}?` : '';
};

export function object(v: unknown, c: Checker, allowed: readonly string[], elsewhere?: (key: string) => string | undefined): Obj {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) c.fail('expected a mapping');
  for (const k of Object.keys(v as Obj)) {
    if (allowed.includes(k)) continue;
    const other = elsewhere?.(k);
    c.at(k).fail(`unknown key${other !== undefined ? `: ${other}` : suggestion(k, allowed)} (allowed here: ${allowed.join(', ')})`);
  }
  return v as Obj;
}

export function str(o: Obj, key: string, c: Checker, dflt?: string): string {
  const v = o[key];
  if (v === undefined || v === null) {
    if (dflt === undefined) return c.at(key).fail('is required');
    return dflt;
  }
  if (typeof v !== 'string' || v === '') return c.at(key).fail('expected a non-empty string');
  return v;
}

export function optStr(o: Obj, key: string, c: Checker): string | undefined {
  return o[key] === undefined || o[key] === null ? undefined : str(o, key, c);
}

export function int(o: Obj, key: string, c: Checker, dflt: number, min = 0): number {
  const v = o[key];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) return c.at(key).fail(`expected an integer >= ${min}`);
  return v;
}

export function oneOf<T extends string>(o: Obj, key: string, c: Checker, values: readonly T[], dflt: T): T {
  const v = o[key];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'string' || !values.includes(v as T)) {
    c.at(key).fail(`expected one of ${values.join(', ')}${typeof v === 'string' ? suggestion(v, values) : ''}`);
  }
  return v as T;
}

export function strList(o: Obj, key: string, c: Checker, required: boolean): string[] {
  const v = o[key];
  if (v === undefined || v === null) {
    if (required) c.at(key).fail('is required');
    return [];
  }
  // One path where a list goes (Fluent Bit's `Path`, Filebeat's `paths` written once): say how to write it.
  if (typeof v === 'string' && v !== '') return c.at(key).fail(`expected a list of strings: write [${JSON.stringify(v)}]`);
  if (!Array.isArray(v)) return c.at(key).fail('expected a list of strings');
  return v.map((item, i) => {
    if (typeof item !== 'string' || item === '') return c.at(key).at(i).fail('expected a non-empty string');
    return item;
  });
}

export function labels(o: Obj, c: Checker): Record<string, string> {
  const v = o.labels;
  if (v === undefined || v === null) return {};
  const lc = c.at('labels');
  if (typeof v !== 'object' || Array.isArray(v)) lc.fail('expected a mapping of label names to strings');
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v as Obj)) {
    if (k.startsWith('@') || k === 'event.id' || k === 'source' || k === 'host') lc.at(k).fail('is reserved by the wire format');
    if (typeof val !== 'string' && typeof val !== 'number' && typeof val !== 'boolean') lc.at(k).fail('expected a string');
    out[k] = String(val);
  }
  return out;
}

export function regex(o: Obj, key: string, c: Checker): string | undefined {
  const v = optStr(o, key, c);
  if (v === undefined) return undefined;
  try {
    new RegExp(v);
  } catch (err) {
    c.at(key).fail(`is not a valid regular expression (${(err as Error).message})`);
  }
  return v;
}
