import { levelFromSyslogPriority } from '../level-from.js';
import { dropField, type FlatRecord } from '../flatten-fields.js';
import { take, takeString, toNumber, type Canonical, type FormatMapper } from './format-mapper.js';

/**
 * `journalctl -o json` (journal export fields). All values arrive as strings;
 * a MESSAGE that is not valid UTF-8 arrives as an array of bytes, which
 * flattening turned into its JSON text.
 */
export const journaldFormat: FormatMapper = {
  name: 'journald',
  detect: (f) => 'MESSAGE' in f || '__CURSOR' in f || '__REALTIME_TIMESTAMP' in f,
  map(f: FlatRecord): Canonical {
    const out: Canonical = { source: 'journald' };
    const message = take(f, 'MESSAGE');
    if (typeof message === 'string') out.message = decodeByteArray(message) ?? message;

    const priority = toNumber(f.PRIORITY);
    const level = priority === undefined ? undefined : levelFromSyslogPriority(priority);
    if (level !== undefined) {
      out.level = level;
      dropField(f, 'PRIORITY');
    }
    out.unit = takeString(f, '_SYSTEMD_UNIT', '_SYSTEMD_USER_UNIT');
    out.host = takeString(f, '_HOSTNAME');
    out.logger = takeString(f, 'SYSLOG_IDENTIFIER');

    const pid = toNumber(f._PID);
    if (pid !== undefined) {
      dropField(f, '_PID');
      f.pid = pid;
    }
    // journald keeps µs; the event keeps ms in @timestamp and the exact µs beside it.
    const realtimeUs = toNumber(f.__REALTIME_TIMESTAMP);
    if (realtimeUs !== undefined && Number.isSafeInteger(realtimeUs)) {
      dropField(f, '__REALTIME_TIMESTAMP');
      f['journald.realtime_us'] = realtimeUs;
      out.time = Math.floor(realtimeUs / 1000);
    }
    const cursor = takeString(f, '__CURSOR');
    if (cursor !== undefined) f['journald.cursor'] = cursor;
    return out;
  },
};

function decodeByteArray(text: string): string | undefined {
  if (!text.startsWith('[')) return undefined;
  try {
    const bytes: unknown = JSON.parse(text);
    if (!Array.isArray(bytes) || !bytes.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) return undefined;
    return Buffer.from(bytes as number[]).toString('utf8');
  } catch {
    return undefined;
  }
}
