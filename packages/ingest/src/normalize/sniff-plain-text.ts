import type { Level } from '@logship/query/core';
import { levelFromSyslogPriority, levelFromText } from './level-from.js';
import { nearestDay } from './nearest-day.js';
import { nearestYear } from './nearest-year.js';
import { parseTimestamp, wallTimeToUtc } from './parse-timestamp.js';

// The zone may be written `UTC` or `GMT` (PostgreSQL's `%m` in a container, where log_timezone is UTC).
const LEADING_TIME =
  /^\[?(\d{4}[-/]\d{2}[-/]\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:\s?(?:Z|UTC|GMT|[+-]\d{2}:?\d{2}))?)\]?\s+/i;
const UTC_NAME = /\s?(?:UTC|GMT)$/i;
// A time of day alone, as logback's and log4j2's default patterns and pino-pretty write it:
// `12:34:56.789 [main] INFO …`, `[12:34:56.789] INFO (42): …`. Its date is the latest that is not ahead of now (nearest-day.ts).
const LEADING_CLOCK = /^\[?(\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?\]?\s+/;
const SYSLOG_PRI = /^<([0-7])>/;
// klog / glog (Kubernetes, many Go services): `E0208 12:00:00.123456  1 file.go:12] …`.
const KLOG = /^([IWEF])\d{4} \d{2}:\d{2}:\d{2}\.\d+\s+\d+ \S+:\d+\] /;
const KLOG_LEVEL: Record<string, Level> = { I: 'info', W: 'warning', E: 'error', F: 'critical' };
// Apache httpd's error log: `[Sat Dec 05 21:00:00.123456 2026] [core:error] [pid 1] …` (2.4;
// 2.2 writes `[error]`). Its time is the server's local time, without an offset.
const APACHE = /^\[(?:[A-Z][a-z]{2} )?([A-Z][a-z]{2}) (\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?) (\d{4})\] \[(?:[\w-]+:)?([a-z]+)\d?\] /;
// Celery's worker log (its default format): `[2026-12-05 21:00:00,123: ERROR/MainProcess] …`, local time.
const CELERY = /^\[(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:,\d+)?): ([A-Za-z]+)\/[^\]]*\] /;
// rsyslog's traditional file format (/var/log/syslog, auth.log on many hosts): `Dec  5 21:00:00 web-1 sshd[123]: …`,
// local time without a year; the host, then the program (its tag) and pid.
const SYSLOG_FILE = /^([A-Z][a-z]{2}) ([ \d]\d) (\d\d):(\d\d):(\d\d)(?:\.\d+)? [^\s:[\]]+ ([^\s:[\]]{1,48})(?:\[\d{1,10}\])?: /;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
// Ruby's Logger (Rails, Sidekiq): `E, [2026-12-05T21:00:00.123456 #1234] ERROR -- app: …`, local time.
const RUBY = /^[DIWEFAU], \[(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?) #\d+\]\s+([A-Z]+) -- /;
// java.util.logging's SimpleFormatter (its default format, the JDK's own logger): a header line with the
// local time in English and the calling class and method, the level and message on the next line:
// `Dec 07, 2026 11:18:21 PM com.example.Orders charge` / `SEVERE: order 42 failed` (docs/AGENT.md's
// `start` pattern for it joins the two and the stack trace under them).
const JUL = /^([A-Z][a-z]{2}) (\d{1,2}), (\d{4}) (\d{1,2}):(\d{2}):(\d{2}) ([AP]M) (\S+)(?: \S+)?\r?\n([A-Z]+): /;
// logfmt anywhere in the line: `ts=… level=error msg="…"`.
const LOGFMT_LEVEL = /(?:^|\s)(?:level|lvl|severity)=("?)([A-Za-z]+)\1(?=\s|$)/;
// A word that may be a level: `ERROR`, `[warn]`, `(Info)`, `error:`, and python's `ERROR:root:…`.
const TOKEN = /^([[(<]?)([A-Za-z]+)([\])>]?)(:|$)/;
const SEPARATORS = new Set(['-', '|', '::', '--']);
// A level padded inside its brackets: structlog's ConsoleRenderer (its default output) writes `[info     ]`.
const PADDED = /^[[(<]\s*([A-Za-z]+)\s*[\])>](?=\s|:|$)/;
// Go's runtime when a panic or a fatal error ends the program: `panic: …` (`[recovered]` when re-panicked),
// `fatal error: …`, with no time before it. The program dies, as after a logger's fatal, so critical:
// not the `panic` alias's emergency (zap's and logrus's panic level, syslog's "system is unusable"),
// nor the error that `fatal error:`'s second word read as.
const GO_CRASH = /^(?:panic|fatal error): /;
// net/http's recovered panic in a handler (`http: panic serving 10.0.0.1:5555: …` and its goroutine):
// the request failed, the server goes on, so error. It follows the standard logger's time.
const GO_HTTP_PANIC = /^http: panic serving /;
// An uncaught exception as the runtime itself prints it, with no time or level before it: Python's
// `Traceback (most recent call last):` (also traceback.print_exc(); an ExceptionGroup's is indented), the JVM's
// `Exception in thread "main" java.lang.…` and Rust's `thread 'worker' (42) panicked at src/x.rs:5:9:`.
// Something failed, so error, where the level would otherwise be missing (a `level:error` search missed
// every one of them). Rust's main thread panicking ends the program, so critical, as Go's panic.
const UNCAUGHT = /^(?:Traceback \(most recent call last\):\r?(?:\n|$)| {2}\+ Exception Group Traceback \(most recent call last\):|Exception in thread "[^"\n]*" \S|thread '[^'\n]*'(?: \(\d+\))? panicked at )/;
// A script Python could not compile prints no `Traceback` line: the place, the code, a caret and the
// error (`  File "/app/main.py", line 2` … `SyntaxError: '(' was never closed`). Its first line has no
// `, in function` as a frame's has, and the event, joined, ends with the error.
const PY_SYNTAX_START = /^ {2}File "[^"\n]+", line \d+\r?\n/;
const PY_SYNTAX_END = /\n(?:SyntaxError|IndentationError|TabError): [^\n]*\r?$/;
// Node's uncaught exception or rejection, joined by docs/AGENT.md's `start` pattern for it: the throwing
// file and line first (`/app/server.js:9`, `file:///app/server.mjs:9`, `node:internal/…:9`), the error,
// and last the `Node.js v22.1.0` line Node prints as it exits: critical, as Go's panic.
const NODE_CRASH_START = /^(?:file:\/\/|node:)?\/?\S*:\d+\r?\n/;
const NODE_CRASH_END = /\nNode\.js v\d+\.\d+\.\d+\r?$/;
const RUST_MAIN_PANIC = /^thread 'main'(?: \(\d+\))? panicked at /;
// How many leading words may precede the level (`2026-… app.module - ERROR - …`).
const MAX_TOKENS = 3;

/**
 * Reads the level (and a leading timestamp, when there is one) from a plain
 * text line: `ERROR …`, `[warn] …`, `2026-02-08 12:00:00,123 ERROR …`,
 * `ERROR:django.request:…`, structlog's `[info     ]`, `<3>…`, klog's `E0208 …`, logfmt's `level=warn`,
 * Go's `panic: …` and `fatal error: …` (critical) and net/http's `http: panic serving …` (error),
 * an uncaught exception's first line as Python, the JVM and Rust print it (error; Rust's main thread: critical),
 * Node's uncaught exception ending in its `Node.js v…` line (critical),
 * Apache's `[…] [core:error]`, Ruby's Logger `E, […] ERROR --` and Celery's
 * `[…: ERROR/MainProcess]` (with their times), java.util.logging's two-line records (time, class, level), and a syslog file's
 * `Dec  5 21:00:00 host prog[pid]: …` (its time, in the year nearest `now`,
 * and the program as the logger).
 * A word only counts as a level when it looks like one — upper case,
 * bracketed, or followed by a colon — so prose such as "Notice that…" or
 * "error count is 0" is left alone.
 */
export function sniffPlainText(line: string, timeZone = 'UTC', now = Date.now()): { level?: Level; time?: number; logger?: string } {
  const out: { level?: Level; time?: number; logger?: string } = {};
  let rest = line;
  const pri = SYSLOG_PRI.exec(rest);
  if (pri) {
    out.level = levelFromSyslogPriority(Number(pri[1]));
    rest = rest.slice(pri[0].length);
  }
  const syslog = SYSLOG_FILE.exec(rest);
  if (syslog) {
    const [, mon, day, hh, mm, ss, tag] = syslog;
    const month = MONTHS.indexOf(mon!);
    const wall = month < 0 ? undefined : nearestYear(month, Number(day!.trim()), Number(hh), Number(mm), Number(ss), now);
    if (wall !== undefined) {
      out.time = timeZone === 'UTC' ? wall : wallTimeToUtc(wall, timeZone);
      out.logger = tag!;
      // The program's own words follow, where a level may lead (`error: …`).
      rest = rest.slice(syslog[0].length);
    }
  }
  const apache = APACHE.exec(rest);
  if (apache) {
    const [, month, day, clock, year, name] = apache;
    const monthNo = MONTHS.indexOf(month!) + 1;
    const ms = monthNo > 0 ? parseTimestamp(`${year}-${String(monthNo).padStart(2, '0')}-${day} ${clock}`, timeZone) : undefined;
    if (ms !== undefined) out.time = ms;
    out.level ??= levelFromText(name!);
    return out;
  }
  const celery = CELERY.exec(rest);
  if (celery) {
    const ms = parseTimestamp(celery[1]!, timeZone);
    if (ms !== undefined) out.time = ms;
    out.level ??= levelFromText(celery[2]!);
    return out;
  }
  const ruby = RUBY.exec(rest);
  if (ruby) {
    const ms = parseTimestamp(ruby[1]!, timeZone);
    if (ms !== undefined) out.time = ms;
    out.level ??= levelFromText(ruby[2]!);
    return out;
  }
  const jul = JUL.exec(rest);
  if (jul) {
    const [, mon, day, year, h, mi, ss, half, logger, name] = jul;
    const month = MONTHS.indexOf(mon!) + 1;
    const hour = (Number(h) % 12) + (half === 'PM' ? 12 : 0);
    const pad = (n: number | string) => String(n).padStart(2, '0');
    const ms = month > 0 ? parseTimestamp(`${year}-${pad(month)}-${pad(day!)} ${pad(hour)}:${mi}:${ss}`, timeZone) : undefined;
    if (ms !== undefined) out.time = ms;
    out.logger = logger!;
    out.level ??= levelFromText(name!);
    return out;
  }
  const time = LEADING_TIME.exec(rest);
  if (time) {
    const ms = parseTimestamp(time[1]!.replace(/^(\d{4})\/(\d{2})\/(\d{2})/, '$1-$2-$3').replace(UTC_NAME, 'Z'), timeZone);
    if (ms !== undefined) out.time = ms;
    rest = rest.slice(time[0].length);
  } else if (out.time === undefined) {
    const clock = LEADING_CLOCK.exec(rest);
    if (clock) {
      const [, hh, mm, ss, fraction] = clock;
      const ms = nearestDay(Number(hh), Number(mm), Number(ss), Number((fraction ?? '').padEnd(3, '0').slice(0, 3)), now, timeZone);
      if (ms !== undefined) {
        out.time = ms;
        rest = rest.slice(clock[0].length);
      }
    }
  }
  if (out.level !== undefined) return out;
  if (out.time === undefined && GO_CRASH.test(rest)) {
    out.level = 'critical';
    return out;
  }
  if (out.time === undefined && UNCAUGHT.test(rest)) {
    out.level = RUST_MAIN_PANIC.test(rest) ? 'critical' : 'error';
    return out;
  }
  if (out.time === undefined && PY_SYNTAX_START.test(rest) && PY_SYNTAX_END.test(rest)) {
    out.level = 'error';
    return out;
  }
  if (out.time === undefined && NODE_CRASH_START.test(rest) && NODE_CRASH_END.test(rest)) {
    out.level = 'critical';
    return out;
  }
  if (GO_HTTP_PANIC.test(rest)) {
    out.level = 'error';
    return out;
  }
  const klog = KLOG.exec(rest);
  if (klog) {
    out.level = KLOG_LEVEL[klog[1]!];
    return out;
  }

  const padded = PADDED.exec(rest);
  if (padded) {
    const level = levelFromText(padded[1]!);
    if (level !== undefined) {
      out.level = level;
      return out;
    }
  }
  let seen = 0;
  for (const word of rest.split(/\s+/, MAX_TOKENS * 2)) {
    if (word === '' || SEPARATORS.has(word)) continue;
    if (seen++ >= MAX_TOKENS) break;
    const m = TOKEN.exec(word);
    if (!m) continue;
    const [, open, name, close, colon] = m;
    const looksLikeLevel = (open !== '' && close !== '') || name === name!.toUpperCase() || colon === ':';
    if (!looksLikeLevel) continue;
    const level = levelFromText(name!);
    if (level !== undefined) {
      out.level = level;
      return out;
    }
  }
  const logfmt = LOGFMT_LEVEL.exec(rest);
  if (logfmt) {
    const level = levelFromText(logfmt[2]!);
    if (level !== undefined) out.level = level;
  }
  return out;
}
