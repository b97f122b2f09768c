import type { ErrorObject } from 'ajv';

/**
 * Puts back the text of values interpolate-env.ts read as numbers or
 * booleans (`typed`: JSON pointer → text) where the schema refused them for
 * not being a string: a token or password of digits stays text. Returns
 * whether anything changed, so the caller validates again.
 */
export function restoreEnvText(root: Record<string, unknown>, errors: readonly ErrorObject[], typed: ReadonlyMap<string, string>): boolean {
  let changed = false;
  for (const e of errors) {
    const text = typed.get(e.instancePath);
    if (e.keyword !== 'type' || text === undefined) continue;
    if (!([] as string[]).concat((e.params as { type: string | string[] }).type).includes('string')) continue;
    const keys = e.instancePath.split('/').slice(1).map((k) => k.replaceAll('~1', '/').replaceAll('~0', '~'));
    const last = keys.pop();
    if (last === undefined) continue;
    let parent: unknown = root;
    for (const k of keys) parent = parent !== null && typeof parent === 'object' ? (parent as Record<string, unknown>)[k] : undefined;
    if (parent === null || typeof parent !== 'object') continue;
    (parent as Record<string, unknown>)[last] = text;
    changed = true;
  }
  return changed;
}
