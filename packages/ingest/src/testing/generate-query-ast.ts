/**
 * Random query ASTs for differential tests, drawn from a corpus's own
 * vocabulary (its fields, values and message tokens) so that most queries
 * match something, mixed with values that match nothing or are hostile.
 * ASTs rather than strings: every node type and every field kind is reached
 * regardless of what the grammar makes easy to type.
 */
import { createRng, DEFAULT_TEXT_FIELDS, tokenize, type LogEvent, type QueryNode, type RangeBound } from '@logship/query';

const loc = { start: 0, end: 0 };

export const HOSTILE_STRINGS = [
  "'",
  '"',
  "'; DROP TABLE events; --",
  '" OR 1=1 --',
  '\\',
  '%',
  '_',
  '*',
  '?',
  'NEAR(a b)',
  'a" OR "b',
  '^',
  '$."x"',
  'rid',
  'doc',
  '\u0000',
  '\uD800',
  '😀',
  ' ',
  '',
  'NULL',
  '1e309',
  '-0',
  '9007199254740993',
];

export interface Vocabulary {
  fields: string[];
  values: Map<string, string[]>;
  tokens: string[];
  times: number[];
}

export function vocabularyOf(events: readonly LogEvent[]): Vocabulary {
  const values = new Map<string, Set<string>>();
  const tokens = new Set<string>();
  const times: number[] = [];
  for (const e of events) {
    times.push(Date.parse(e['@timestamp']));
    for (const [k, v] of Object.entries(e)) {
      if (v === undefined) continue;
      let set = values.get(k);
      if (!set) values.set(k, (set = new Set()));
      if (set.size < 50) set.add(String(v));
      // Every text field's tokens: free text must reach tracebacks too.
      if (DEFAULT_TEXT_FIELDS.includes(k) && typeof v === 'string') for (const t of tokenize(v)) tokens.add(t);
    }
  }
  return {
    fields: [...values.keys()],
    values: new Map([...values].map(([k, s]) => [k, [...s]])),
    tokens: [...tokens],
    times,
  };
}

export function createQueryGenerator(vocab: Vocabulary, seed: number): () => QueryNode {
  const r = createRng(seed).next;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const chance = (p: number): boolean => r() < p;
  const fieldNames = [...vocab.fields, 'message', 'level', '@timestamp', 'event.id', 'no.such.field'];
  let existsCount = 0;

  const valueFor = (field: string): string => {
    if (chance(0.08)) return pick(HOSTILE_STRINGS);
    if (field === 'level' && chance(0.4)) return pick(['ERROR', 'warn', 'Fatal', 'err', 'info', 'trace', 'verbose', 'nope', '3']);
    if (DEFAULT_TEXT_FIELDS.includes(field) && chance(0.6)) {
      const n = 1 + Math.floor(r() * 3);
      return Array.from({ length: n }, () => (chance(0.2) ? pick(vocab.tokens).toUpperCase() : pick(vocab.tokens))).join(' ');
    }
    if (field === '@timestamp') return dateValue();
    const known = vocab.values.get(field);
    if (known && known.length && chance(0.85)) return pick(known);
    return pick(['x', '42', '0', '-1.5', 'true', 'false', 'GET', '/api/orders']);
  };

  const dateValue = (): string => {
    const t = pick(vocab.times) + Math.floor((r() - 0.5) * 3_600_000);
    switch (Math.floor(r() * 5)) {
      case 0:
        return new Date(t).toISOString();
      case 1:
        return new Date(t).toISOString().slice(0, 10);
      case 2:
        return String(t);
      case 3:
        return pick(['now-1h', 'now-1d/d', 'now-2d', 'now/d', 'now-36h/h']);
      default:
        return `${new Date(t).toISOString().slice(0, 10)}||+${Math.floor(r() * 3)}d`;
    }
  };

  const escapeWildcard = (s: string): string => s.replace(/[*?\\]/g, (c) => `\\${c}`);
  const wildcardFrom = (value: string): string => {
    const cps = Array.from(value);
    if (cps.length === 0) return '*';
    const at = Math.floor(r() * cps.length);
    const keep = escapeWildcard(cps.slice(0, at).join(''));
    switch (Math.floor(r() * 4)) {
      case 0:
        return `${keep}*`;
      case 1:
        return `${keep}?${escapeWildcard(cps.slice(at + 1).join(''))}`;
      // Leading wildcards (Kibana users' `*timeout*`): a piece from inside, or the end.
      case 2:
        return `*${escapeWildcard(cps.slice(at, at + 3).join(''))}*`;
      default:
        return `*${escapeWildcard(cps.slice(at).join(''))}`;
    }
  };
  const escapeRegex = (s: string): string => Array.from(s, (c) => (/[\p{L}\p{N}]/u.test(c) ? c : `\\${c}`)).join('');
  const regexFrom = (value: string): string => {
    const cps = Array.from(value);
    const at = Math.floor(r() * (cps.length + 1));
    return `${escapeRegex(cps.slice(0, at).join(''))}${pick(['.*', '[0-9]+', '(a|b)?.*', '.?', ''])}`;
  };
  const bound = (field: string): RangeBound | null => {
    if (chance(0.15)) return null;
    const known = vocab.values.get(field)?.filter((v) => !Number.isNaN(Number(v)));
    let value: string;
    if (field === '@timestamp') value = dateValue();
    else if (field === 'level') value = pick(['debug', 'info', 'warning', 'error', 'critical']);
    else if (known && known.length && chance(0.7)) value = pick(known);
    else value = valueFor(field);
    return { value, inclusive: chance(0.5) };
  };

  const textFields = DEFAULT_TEXT_FIELDS.filter((f) => vocab.fields.includes(f) && f !== 'message');
  const leaf = (): QueryNode => {
    const field = chance(0.25) ? null : textFields.length && chance(0.1) ? pick(textFields) : pick(fieldNames);
    const f = field ?? 'message';
    const isText = DEFAULT_TEXT_FIELDS.includes(f);
    switch (Math.floor(r() * 8)) {
      case 0:
      case 1:
      case 2:
        return { type: 'term', field, value: valueFor(f), phrase: chance(0.4), loc };
      case 3:
        // Every other exists of a dotted field asks for its parent (`_exists_:err` for
        // `err.stack`), by a count rather than the generator, so the rest of a seed's
        // queries stay what they were.
        return { type: 'exists', field: f.includes('.') && existsCount++ % 2 === 1 ? f.slice(0, f.lastIndexOf('.')) : f, loc };
      case 4: {
        const source = isText ? pick(vocab.tokens) : valueFor(f);
        return { type: 'wildcard', field, pattern: wildcardFrom(source), loc };
      }
      case 5: {
        const source = isText ? pick(vocab.tokens) : valueFor(f);
        return { type: 'regex', field, pattern: regexFrom(source), loc };
      }
      default: {
        const rf = isText ? pick(['status', 'duration_ms', '@timestamp', 'level', 'path', 'host']) : f;
        return { type: 'range', field: rf, lower: bound(rf), upper: bound(rf), loc };
      }
    }
  };

  const node = (depth: number): QueryNode => {
    const roll = r();
    if (depth >= 3 || roll < 0.45) return chance(0.03) ? { type: 'match_all', loc } : leaf();
    if (roll < 0.6) return { type: 'not', child: node(depth + 1), loc };
    const children = Array.from({ length: 2 + Math.floor(r() * 2) }, () => node(depth + 1));
    return { type: roll < 0.8 ? 'and' : 'or', children, loc };
  };
  return () => node(0);
}
