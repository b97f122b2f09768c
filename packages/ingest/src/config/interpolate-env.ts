import { configErrors as errors } from './config-errors.js';

const REF = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Replaces `${NAME}` and `${NAME:-default}` in every string of a parsed YAML
 * document; `$${` is a literal `${`. Done after YAML parsing, so a secret
 * containing YAML syntax cannot change the document's structure. A reference
 * to an unset variable without a default is an error naming the config path:
 * an empty token would be worse than refusing to start.
 */
export function interpolateEnv(value: unknown, env: Readonly<Record<string, string | undefined>>, path = ''): unknown {
  if (typeof value === 'string') {
    return value.replace(REF, (whole, name: string | undefined, fallback: string | undefined) => {
      if (whole === '$${') return '${';
      const v = env[name!];
      if (v !== undefined && v !== '') return v;
      if (fallback !== undefined) return fallback;
      if (v !== undefined) return v;
      throw errors.configEnvMissing(path || '(root)', name);
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolateEnv(v, env, `${path}[${i}]`));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = interpolateEnv(v, env, path ? `${path}.${k}` : k);
    return out;
  }
  return value;
}
