import type { Level } from '@logship/query/core';
import { levelFromPythonNumber, levelFromText } from '../level-from.js';
import type { FlatRecord } from '../flatten-fields.js';
import { take, takeLevel, takeString, takeTime, type Canonical, type FormatMapper, type MapContext, UTC_CONTEXT } from './format-mapper.js';

/**
 * python-json-logger (`pythonjsonlogger.jsonlogger.JsonFormatter`): the
 * LogRecord attribute names — `levelname`, `name`, `message`, `asctime`,
 * optionally `created` (epoch seconds, preferred: `asctime` carries no zone).
 */
export const pythonJsonLoggerFormat: FormatMapper = {
  name: 'python-json-logger',
  detect: (f) => 'levelname' in f || ('asctime' in f && 'name' in f),
  map(f: FlatRecord, ctx: MapContext = UTC_CONTEXT): Canonical {
    const out: Canonical = {};
    out.level =
      takeLevel(f, (v) => (typeof v === 'string' ? levelFromText(v) ?? unnamedLevel(v) : undefined), 'levelname') ??
      takeLevel(f, (v) => (typeof v === 'number' ? levelFromPythonNumber(v) : undefined), 'levelno') ??
      // rename_fields={"levelname": "severity"} (Google Cloud's and Datadog's name), kept beside asctime and name.
      takeLevel(f, (v) => (typeof v === 'string' ? levelFromText(v) : undefined), 'severity', 'level', 'loglevel', 'log_level', 'lvl');
    take(f, 'levelno');
    out.message = takeString(f, 'message', 'msg');
    out.logger = takeString(f, 'name');
    out.time = takeTime(f, ctx, 'created', 'asctime', 'timestamp', '@timestamp', 'time');
    // Once the time is known, asctime is the same instant written again.
    if (out.time !== undefined) take(f, 'asctime');
    return out;
  },
};

/** logging's name for a level nobody named (`logger.log(5, …)` without addLevelName): `Level 5`. */
function unnamedLevel(name: string): Level | undefined {
  const m = /^Level (\d{1,3})$/.exec(name);
  return m === null ? undefined : levelFromPythonNumber(Number(m[1]));
}
