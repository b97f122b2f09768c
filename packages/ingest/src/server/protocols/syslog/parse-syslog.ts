import { nearestYear } from '../../../normalize/nearest-year.js';
import { isCalendarDay } from '../../../normalize/is-calendar-day.js';
import { wallTimeToUtc } from '../../../normalize/parse-timestamp.js';
import { setEventField } from '@logship/query/core';
import { errors } from '../../errors.js';

/*
 * One syslog message (the frame already cut off by TCP framing or the UDP
 * datagram) ─► its parts. RFC 5424:
 *   <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD-ID k="v"…]… MSG
 * RFC 3164 (BSD), as rsyslog, logger --rfc3164 and most devices send it:
 *   <PRI>Mmm dd hh:mm:ss HOSTNAME TAG[PID]: MSG
 * Anything after a valid <PRI> that fits neither is kept whole as the
 * message, as rsyslog does, rather than lost.
 */

export interface SyslogMessage {
  facility: number;
  severity: number;
  /** Epoch ms; undefined when the message carries none ("-"). */
  time?: number;
  hostname?: string;
  appName?: string;
  procId?: string;
  msgId?: string;
  /** SD-ID → param → value. */
  structuredData: Record<string, Record<string, string>>;
  message: string;
  format: 'rfc5424' | 'rfc3164';
}

export const FACILITIES = [
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv', 'ftp',
  'ntp', 'security', 'console', 'solaris-cron', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5',
  'local6', 'local7',
] as const;

/** user.notice, what RFC 3164 §4.3.3 gives a message without a PRI. */
const DEFAULT_PRI = 13;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * `now` places RFC 3164's year-less timestamps in the year that puts them
 * nearest to it; they carry no offset either, and are read as wall-clock
 * time in `timeZone` (the server's `ingest.default_timezone`): rsyslog's
 * default forwarding format and logger(1) write the sender's local time.
 */
export function parseSyslog(text: string, now: number, timeZone = 'UTC'): SyslogMessage {
  const m = /^<(\d{1,3})>/.exec(text);
  let pri = m ? Number(m[1]) : NaN;
  let rest = m ? text.slice(m[0].length) : text;
  if (!(pri <= 191)) {
    // No <PRI>, or one past 191 (`echo … | nc -u`, a device's own format):
    // RFC 3164 §4.3.3 has a relay give it PRI 13 (user.notice) and keep the
    // whole text, as rsyslog and syslog-ng do, rather than drop it.
    if (text.trim() === '') throw errors.syslogBadMessage('it is empty');
    pri = DEFAULT_PRI;
    rest = text;
  }
  const base = { facility: pri >> 3, severity: pri & 7, structuredData: {} };
  let out: SyslogMessage | undefined;
  if (rest.startsWith('1 ')) {
    const parsed = rfc5424(rest.slice(2));
    if (parsed) out = { ...base, ...parsed, format: 'rfc5424' };
  }
  out ??= { ...base, ...rfc3164(rest, now, timeZone), format: 'rfc3164' };
  // rsyslog's %msg% keeps the space after "TAG:" and its forwarding
  // templates end in LF, inside the octet count: neither is the message.
  out.message = out.message.replace(/^ +/, '').replace(/[\r\n]+$/, '');
  return out;
}

function nil(s: string): string | undefined {
  return s === '-' ? undefined : s;
}

function rfc5424(s: string): Omit<SyslogMessage, 'facility' | 'severity' | 'format'> | undefined {
  const head = /^(\S+) (\S+) (\S+) (\S+) (\S+) /.exec(s);
  if (!head) return undefined;
  const [, ts, host, app, proc, msgid] = head as unknown as string[];
  let time: number | undefined;
  if (ts !== '-') {
    time = Date.parse(ts!);
    if (!Number.isFinite(time) || !isCalendarDate(ts!)) return undefined;
  }
  let i = head[0].length;
  const structuredData: Record<string, Record<string, string>> = {};
  if (s[i] === '-') {
    i++;
  } else if (s[i] === '[') {
    while (s[i] === '[') {
      const end = readElement(s, i, structuredData);
      if (end === -1) return undefined;
      i = end;
    }
  } else {
    return undefined;
  }
  let message = s[i] === ' ' ? s.slice(i + 1) : s.slice(i);
  if (message.startsWith('\uFEFF')) message = message.slice(1);
  return { time, hostname: nil(host!), appName: nil(app!), procId: nil(proc!), msgId: nil(msgid!), structuredData, message };
}

/** Reads one `[SD-ID name="value" …]` at i; returns the index after `]`, or -1. */
function readElement(s: string, i: number, out: Record<string, Record<string, string>>): number {
  i++;
  const id = /^[^\s=\]"]+/.exec(s.slice(i, i + 64));
  if (!id) return -1;
  i += id[0].length;
  const params: Record<string, string> = Object.hasOwn(out, id[0]) ? out[id[0]]! : {};
  for (;;) {
    if (s[i] === ']') {
      setEventField(out, id[0], params);
      return i + 1;
    }
    if (s[i] !== ' ') return -1;
    i++;
    const name = /^[^\s=\]"]+/.exec(s.slice(i, i + 64));
    if (!name || s[i + name[0].length] !== '=' || s[i + name[0].length + 1] !== '"') return -1;
    i += name[0].length + 2;
    let value = '';
    for (;;) {
      if (i >= s.length) return -1;
      const ch = s[i]!;
      if (ch === '\\' && (s[i + 1] === '"' || s[i + 1] === '\\' || s[i + 1] === ']')) {
        value += s[i + 1];
        i += 2;
        continue;
      }
      if (ch === '"') break;
      value += ch;
      i++;
    }
    i++;
    setEventField(params, name[0], value);
  }
}

function rfc3164(s: string, now: number, timeZone: string): Omit<SyslogMessage, 'facility' | 'severity' | 'format' | 'structuredData'> {
  let rest = s;
  let time: number | undefined;
  // Network gear writes variants rsyslog also reads: a year before the time
  // (`Dec  6 2026 03:00:00`), milliseconds (`03:00:00.123`, kept), and a
  // colon after the time (Cisco IOS: `Dec  6 03:00:00.123: %SYS-5-…`).
  const ts = /^([A-Z][a-z]{2}) ([ \d]\d) (?:(\d{4}) )?(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?:? /.exec(rest);
  if (ts && MONTHS.includes(ts[1]!)) {
    const [month, day, h, mi, s] = [MONTHS.indexOf(ts[1]!), Number(ts[2]!.trim()), Number(ts[4]), Number(ts[5]), Number(ts[6])];
    const whole = ts[3] !== undefined ? yearGiven(Number(ts[3]), month, day, h, mi, s) : nearestYear(month, day, h, mi, s, now);
    const wall = whole === undefined || ts[7] === undefined ? whole : whole + Number(ts[7].slice(0, 3).padEnd(3, '0'));
    // The year is chosen on the wall time (an offset of hours never moves it
    // but across New Year's night); one zone conversion a message, none for UTC.
    time = wall === undefined || timeZone === 'UTC' ? wall : wallTimeToUtc(wall, timeZone);
    rest = rest.slice(ts[0].length);
  } else {
    // Some senders (rsyslog's RSYSLOG_ForwardFormat) put an RFC 3339 time here.
    const iso = /^(\d{4}-\d\d-\d\dT\S+) /.exec(rest);
    if (iso && Number.isFinite(Date.parse(iso[1]!)) && isCalendarDate(iso[1]!)) {
      time = Date.parse(iso[1]!);
      rest = rest.slice(iso[0].length);
    }
  }
  let hostname: string | undefined;
  let appName: string | undefined;
  let procId: string | undefined;
  if (time !== undefined) {
    // HOSTNAME, then TAG[PID]: ; a message without a host has the tag right away (logger does send a host).
    const host = /^([^\s:[\]]+) /.exec(rest);
    if (host && !/^[^\s:[\]]+(\[\d+\])?:/.test(rest)) {
      hostname = host[1];
      rest = rest.slice(host[0].length);
    }
  }
  const tag = /^([^\s:[\]]{1,48})(?:\[([^\]\s]{1,32})\])?: ?/.exec(rest);
  if (tag) {
    appName = tag[1];
    procId = tag[2];
    rest = rest.slice(tag[0].length);
  }
  return { time, hostname, appName, procId, message: rest };
}

/** A time whose sender wrote the year (wall-clock fields as if UTC). */
function yearGiven(year: number, month: number, day: number, h: number, mi: number, s: number): number | undefined {
  if (!isCalendarDay(year, month + 1, day) || h > 23 || mi > 59 || s > 60) return undefined;
  return Date.UTC(year, month, day, h, mi, s);
}

/** Text that starts with `YYYY-MM-DDT` naming a day that exists (Date.parse reads 2026-02-30 as March 2nd). */
function isCalendarDate(text: string): boolean {
  return /^\d{4}-\d\d-\d\dT/.test(text) && isCalendarDay(Number(text.slice(0, 4)), Number(text.slice(5, 7)), Number(text.slice(8, 10)));
}
