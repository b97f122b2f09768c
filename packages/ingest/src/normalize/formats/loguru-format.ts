import { levelFromPythonNumber, levelFromText } from '../level-from.js';
import { setField, type FlatRecord } from '../flatten-fields.js';
import { take, takeString, takeTime, toNumber, type Canonical, type FormatMapper } from './format-mapper.js';

/**
 * loguru with `serialize=True`: `{"text": "...", "record": {...}}`. The
 * record is flattened to the top level (`record.function` → `function`) and
 * the user's bound context (`record.extra.user_id`) becomes `user_id`, which
 * is what people search for. `text` repeats the message with formatting and
 * is dropped.
 */
export const loguruFormat: FormatMapper = {
  name: 'loguru',
  detect: (f) => 'record.level.name' in f && ('record.message' in f || 'text' in f),
  map(f: FlatRecord): Canonical {
    const out: Canonical = {};
    const name = take(f, 'record.level.name');
    const no = toNumber(take(f, 'record.level.no'));
    out.level = (typeof name === 'string' ? levelFromText(name) : undefined) ?? (no === undefined ? undefined : levelFromPythonNumber(no));
    if (out.level === undefined && name !== undefined) f.level_original = name;
    take(f, 'record.level.icon');

    out.message = takeString(f, 'record.message');
    const text = take(f, 'text');
    if (out.message === undefined && typeof text === 'string') out.message = text.trimEnd();
    out.logger = takeString(f, 'record.name');
    out.time = takeTime(f, 'record.time.timestamp', 'record.time.repr');
    take(f, 'record.time.repr');

    for (const key of Object.keys(f)) {
      if (!key.startsWith('record.')) continue;
      const renamed = key.startsWith('record.extra.') ? key.slice('record.extra.'.length) : key.slice('record.'.length);
      const value = f[key]!;
      delete f[key];
      if (!(renamed in f)) setField(f, renamed, value);
    }
    return out;
  },
};
