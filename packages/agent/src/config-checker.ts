import { AgentError, agentError } from './errors.js';
import { didYouMean } from './did-you-mean.js';

/**
 * The checks every part of the agent's config is read with (config.ts,
 * source-config.ts): each failure names the key's path, and an unknown key
 * is refused with the nearest allowed one. Every mistake is kept and the
 * reading goes on, so one run of `--check` says them all, as
 * `promtool check config` and `vector validate` do: a URL without its
 * scheme, `paths:` for `include:` and a missing data_dir took three runs.
 */

export type Obj = Record<string, unknown>;

export interface ConfigProblem {
  /** `sources[0].include[1]`, or `(root)`. */
  readonly path: string;
  /** The same path as keys, to find its place in the YAML document. */
  readonly keys: readonly (string | number)[];
  readonly message: string;
}

/** Thrown by `fail`: the part being read cannot be read on; `guard` goes on with the next. */
class Unreadable extends Error {}

export class Checker {
  constructor(
    readonly path: string,
    readonly keys: readonly (string | number)[] = [],
    readonly problems: ConfigProblem[] = [],
    /** Paths an unknown key was told it likely meant (`paths` → `include`): their "is required" says that again. */
    private readonly meant: Set<string> = new Set(),
  ) {}
  /** A mistake at this path; reading goes on. */
  report(msg: string): void {
    if (msg === 'is required' && this.meant.has(this.path)) return;
    this.problems.push({ path: this.path || '(root)', keys: this.keys, message: msg });
  }
  /** An unknown key here was likely meant as `key`. */
  meantAs(key: string): void {
    this.meant.add(this.at(key).path);
  }
  /** A mistake after which this part cannot be read on (not a mapping): the nearest `guard` goes on past it. */
  fail(msg: string): never {
    this.report(msg);
    throw new Unreadable(msg);
  }
  at(key: string | number): Checker {
    const path = typeof key === 'number' ? `${this.path}[${key}]` : this.path ? `${this.path}.${key}` : key;
    return new Checker(path, [...this.keys, key], this.problems, this.meant);
  }
  /** `read()`, or `fallback` when it failed (the mistake is kept). */
  guard<T>(read: () => T, fallback: T): T {
    try {
      return read();
    } catch (err) {
      if (err instanceof Unreadable) return fallback;
      throw err;
    }
  }
}

/**
 * LS_AGENT_CONFIG_INVALID with every mistake, each with its place in the
 * file when `place` finds one (` (line 3, column 8)`); one mistake reads as
 * it always did.
 */
export function configProblemsError(problems: readonly ConfigProblem[], place: (keys: readonly (string | number)[]) => string = () => ''): AgentError {
  if (problems.length === 1) return agentError('LS_AGENT_CONFIG_INVALID', problems[0]!.path, `${problems[0]!.message}${place(problems[0]!.keys)}`);
  const lines = problems.map((p) => `\n  ${p.path}: ${p.message}${place(p.keys)}`);
  return new AgentError('LS_AGENT_CONFIG_INVALID', `The config is invalid at ${problems.length} places:${lines.join('')}`);
}

const suggestion = (word: string, allowed: readonly string[]): string => {
  const s = didYouMean(word, allowed);
  return s !== undefined ? `; did you mean ${s}?` : '';
};

export function object(v: unknown, c: Checker, allowed: readonly string[], elsewhere?: (key: string) => string | undefined): Obj {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    c.report('expected a mapping');
    return {};
  }
  for (const k of Object.keys(v as Obj)) {
    if (allowed.includes(k)) continue;
    const other = elsewhere?.(k);
    const near = didYouMean(k, allowed);
    if (other === undefined && near !== undefined) c.meantAs(near);
    c.at(k).report(`unknown key${other !== undefined ? `: ${other}` : suggestion(k, allowed)} (allowed here: ${allowed.join(', ')})`);
  }
  return v as Obj;
}

export function str(o: Obj, key: string, c: Checker, dflt?: string): string {
  const v = o[key];
  if (v === undefined || v === null) {
    if (dflt === undefined) c.at(key).report('is required');
    return dflt ?? '';
  }
  if (typeof v !== 'string' || v === '') {
    c.at(key).report('expected a non-empty string');
    return dflt ?? '';
  }
  return v;
}

export function optStr(o: Obj, key: string, c: Checker): string | undefined {
  return o[key] === undefined || o[key] === null ? undefined : str(o, key, c);
}

export function int(o: Obj, key: string, c: Checker, dflt: number, min = 0): number {
  const v = o[key];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    c.at(key).report(`expected an integer >= ${min}`);
    return dflt;
  }
  return v;
}

export function oneOf<T extends string>(o: Obj, key: string, c: Checker, values: readonly T[], dflt: T): T {
  const v = o[key];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'string' || !values.includes(v as T)) {
    c.at(key).report(`expected one of ${values.join(', ')}${typeof v === 'string' ? suggestion(v, values) : ''}`);
    return dflt;
  }
  return v as T;
}

export function strList(o: Obj, key: string, c: Checker, required: boolean): string[] {
  const v = o[key];
  if (v === undefined || v === null) {
    if (required) c.at(key).report('is required');
    return [];
  }
  // One path where a list goes (Fluent Bit's `Path`, Filebeat's `paths` written once): say how to write it.
  if (typeof v === 'string' && v !== '') {
    c.at(key).report(`expected a list of strings: write [${JSON.stringify(v)}]`);
    return [];
  }
  if (!Array.isArray(v)) {
    c.at(key).report('expected a list of strings');
    return [];
  }
  return v.filter((item, i) => {
    if (typeof item === 'string' && item !== '') return true;
    c.at(key).at(i).report('expected a non-empty string');
    return false;
  }) as string[];
}

export function labels(o: Obj, c: Checker): Record<string, string> {
  const v = o.labels;
  if (v === undefined || v === null) return {};
  const lc = c.at('labels');
  if (typeof v !== 'object' || Array.isArray(v)) {
    lc.report('expected a mapping of label names to strings');
    return {};
  }
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v as Obj)) {
    if (k.startsWith('@') || k === 'event.id' || k === 'source' || k === 'host') lc.at(k).report('is reserved by the wire format');
    else if (typeof val !== 'string' && typeof val !== 'number' && typeof val !== 'boolean') lc.at(k).report('expected a string');
    else out[k] = String(val);
  }
  return out;
}

export function regex(o: Obj, key: string, c: Checker): string | undefined {
  const v = optStr(o, key, c);
  if (v === undefined) return undefined;
  try {
    new RegExp(v);
  } catch (err) {
    c.at(key).report(`is not a valid regular expression (${(err as Error).message})`);
    return undefined;
  }
  return v;
}
