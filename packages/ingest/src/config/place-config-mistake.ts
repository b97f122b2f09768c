import type { LogshipError } from '../errors/define-error.js';
import { pathSegments, withPlace } from '../errors/yaml-places.js';
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
  const segments = pathSegments(err.args[0]);
  const where = segments === null ? undefined : locate(segments);
  return where === undefined ? err : withPlace(err, where);
}
