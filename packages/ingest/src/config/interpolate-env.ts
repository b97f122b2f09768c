import { configErrors as errors } from './config-errors.js';

const REF = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Replaces `${NAME}` and `${NAME:-default}` in every string of a parsed YAML
 * document; `$${` is a literal `${`. Done after YAML parsing, so a secret
 * containing YAML syntax cannot change the document's structure. A reference
 * to an unset variable without a default is an error naming the config path:
 * an empty token would be worse than refusing to start.
 *
 * A string that is one reference and nothing else becomes the number or
 * boolean its value spells (`default_days: ${DAYS}` with DAYS=30 is 30, as
 * Loki's `-config.expand-env`, which substitutes before parsing, gives): the
 * environment holds only text. `typed` records each such value's JSON
 * pointer and text, so that where the schema wants text (a token of digits)
 * it goes back to the text (restore-env-text.ts).
 */
export function interpolateEnv(
  value: unknown,
  env: Readonly<Record<string, string | undefined>>,
  path = '',
  typed?: Map<string, string>,
  pointer = '',
): unknown {
  if (typeof value === 'string') {
    let refs = 0;
    const out = value.replace(REF, (all, name: string | undefined, fallback: string | undefined) => {
      if (all === '$${') return '${';
      refs++;
      const v = env[name!];
      if (v !== undefined && v !== '') return v;
      if (fallback !== undefined) return fallback;
      if (v !== undefined) return v;
      throw errors.configEnvMissing(path || '(root)', name);
    });
    if (typed && refs === 1 && WHOLE_REF.test(value)) {
      const scalar = out === 'true' ? true : out === 'false' ? false : NUMBER.test(out) && String(Number(out)) === out ? Number(out) : out;
      if (scalar !== out) typed.set(pointer, out);
      return scalar;
    }
    return out;
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolateEnv(v, env, `${path}[${i}]`, typed, `${pointer}/${i}`));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = interpolateEnv(v, env, path ? `${path}.${k}` : k, typed, `${pointer}/${k.replaceAll('~', '~0').replaceAll('/', '~1')}`);
    }
    return out;
  }
  return value;
}

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?$/;
const WHOLE_REF = /^\$\{[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\}$/;

/** The `${NAME}` references in every string of `value` (not `$${`), each with its config path. */
export function envReferences(value: unknown, path = ''): { path: string; name: string }[] {
  if (typeof value === 'string') {
    return [...value.matchAll(REF)].filter((m) => m[1] !== undefined).map((m) => ({ path: path || '(root)', name: m[1]! }));
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => envReferences(v, `${path}[${i}]`));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => envReferences(v, path ? `${path}.${k}` : k));
  }
  return [];
}
