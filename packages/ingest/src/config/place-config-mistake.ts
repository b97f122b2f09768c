import { errorDefinition, LogshipError } from '../errors/define-error.js';
import { configErrors as errors } from './config-errors.js';

/**
 * A value the checks after the schema refused (a retention age, a query
 * that does not parse, a time zone) with its key's line and column added,
 * as the schema's own errors have them: `config value at
 * "retention.default_days" must be … (line 3, column 3 of server.yaml)`.
 * The place goes at the end of the first line, before a query's caret.
 * An error that names no key of the file is returned as it is.
 */
export function placeConfigMistake(err: LogshipError, locate: (path: readonly (string | number)[]) => string | undefined): LogshipError {
  if (err.code !== errors.configInvalid.code || typeof err.args[0] !== 'string') return err;
  const segments = configPathSegments(err.args[0]);
  const where = segments === null ? undefined : locate(segments);
  const def = errorDefinition(err.code);
  if (where === undefined || def === undefined) return err;
  const newline = err.message.indexOf('\n');
  const message = newline < 0 ? `${err.message} (${where})` : `${err.message.slice(0, newline)} (${where})${err.message.slice(newline)}`;
  return new LogshipError(def, message, { args: err.args });
}

/**
 * `retention.classes[0].match` → ['retention', 'classes', 0, 'match'];
 * `saved_queries["a.b"]` → ['saved_queries', 'a.b'] (check-config-queries.ts
 * quotes a name that is not a plain word). Null for what is not a path.
 */
export function configPathSegments(path: string): (string | number)[] | null {
  const segments: (string | number)[] = [];
  const part = /(?:^|\.)([A-Za-z_][\w-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;
  let at = 0;
  while (at < path.length) {
    part.lastIndex = at;
    const m = part.exec(path);
    if (m === null) return null;
    segments.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : (JSON.parse(m[3]!) as string)));
    at = part.lastIndex;
  }
  return segments.length > 0 ? segments : null;
}
