import { levelFromPythonNumber, levelFromText } from '../level-from.js';
import { dropField, putField, type FlatRecord } from '../flatten-fields.js';
import { take, takeString, takeTime, toNumber, type Canonical, type FormatMapper, type MapContext, UTC_CONTEXT } from './format-mapper.js';

/**
 * loguru with `serialize=True`: `{"text": "...", "record": {...}}`. The
 * record is flattened to the top level (`record.function` → `function`) and
 * the user's bound context (`record.extra.user_id`) becomes `user_id`, which
 * is what people search for (but `extra.message`, `extra.level`,
 * `extra.logger`: the record's own are the event's). `text` is the formatted line and, after
 * logger.exception(), the only place the traceback is: it stays as `text`
 * (a text field: free text searches it). `record.level.icon` becomes
 * `level.icon`; `record.time.repr` is the same instant as @timestamp.
 */
/** Canonical names the record's own keys give (message, level, name, time), which a bound value must not take. */
const RECORD_OWN: ReadonlySet<string> = new Set(['message', 'level', 'logger', '@timestamp', 'event.id']);

export const loguruFormat: FormatMapper = {
  name: 'loguru',
  detect: (f) => 'record.level.name' in f && ('record.message' in f || 'text' in f),
  map(f: FlatRecord, ctx: MapContext = UTC_CONTEXT): Canonical {
    const out: Canonical = {};
    const name = take(f, 'record.level.name');
    const no = toNumber(take(f, 'record.level.no'));
    out.level = (typeof name === 'string' ? levelFromText(name) : undefined) ?? (no === undefined ? undefined : levelFromPythonNumber(no));
    if (out.level === undefined && name !== undefined) f.level_original = name;

    out.message = takeString(f, 'record.message');
    if (out.message === undefined && typeof f.text === 'string') out.message = f.text.trimEnd();
    out.logger = takeString(f, 'record.name');
    out.time = takeTime(f, ctx, 'record.time.timestamp', 'record.time.repr');
    take(f, 'record.time.repr');

    for (const key of Object.keys(f)) {
      if (!key.startsWith('record.')) continue;
      let renamed = key.startsWith('record.extra.') ? key.slice('record.extra.'.length) : key.slice('record.'.length);
      // A bound value under a name the record itself fills (`logger.bind(message=…)`)
      // would win over the record's message, level or logger: it keeps its prefix.
      if (RECORD_OWN.has(renamed) && key.startsWith('record.extra.')) renamed = `extra.${renamed}`;
      const value = f[key];
      if (value === undefined) continue;
      dropField(f, key);
      putField(f, renamed, value);
    }
    return out;
  },
};
