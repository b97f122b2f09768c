import { levelFromPino } from '../level-from.js';
import type { FlatRecord } from '../flatten-fields.js';
import { take, takeScalarText, takeString, takeTime, type Canonical, type FormatMapper, type MapContext, UTC_CONTEXT } from './format-mapper.js';

/** pino and bunyan: numeric `level` (10 trace … 60 fatal), `time`, `msg`, `hostname`, `name`. */
export const pinoFormat: FormatMapper = {
  name: 'pino',
  // pino's levels start at 10; a `level` of 0–7 beside `msg` is a syslog severity, which the generic mapping reads.
  detect: (f) => typeof f.level === 'number' && f.level >= 10 && ('msg' in f || 'time' in f),
  map(f: FlatRecord, ctx: MapContext = UTC_CONTEXT): Canonical {
    const out: Canonical = {};
    out.level = levelFromPino(f.level as number);
    if (out.level !== undefined) take(f, 'level');
    out.message = takeString(f, 'msg') ?? takeScalarText(f, 'msg');
    out.time = takeTime(f, ctx, 'time');
    out.host = takeString(f, 'hostname');
    out.logger = takeString(f, 'name');
    return out;
  },
};
