/** One result line: time, level (coloured), host/source/logger and the message. */
import { shortSource, type LogEvent } from '@logship/query/browser';
import type { TimeZoneMode } from './page-state.js';
import { formatTime } from './time-range.js';

export function levelClass(level: unknown): string {
  switch (level) {
    case 'error': case 'critical': case 'alert': case 'emergency': return 'lv-error';
    case 'warning': return 'lv-warn';
    case 'notice': case 'info': return 'lv-info';
    default: return 'lv-debug';
  }
}

/** host · source · logger; `short`: a file source by its name (the row), else whole (its title). */
export function origin(ev: LogEvent, short = false): string {
  const source = short && typeof ev.source === 'string' ? shortSource(ev.source) : ev.source;
  return [ev.host, source, ev.logger].filter((x) => x !== undefined && x !== null && x !== '').join(' · ');
}

/** Characters of a message a result line holds; the expanded row has all of it. */
const LINE_CHARS = 4000;

/**
 * A message as its line shows it: trailing blank lines dropped and at most
 * LINE_CHARS characters (CSS clamps it to 10 lines). A 20,000-character
 * message filled the whole list with one row.
 */
export function shownMessage(message: unknown): string {
  const text = message === undefined || message === null ? '' : String(message).replace(/\s+$/, '');
  return text.length > LINE_CHARS ? `${text.slice(0, LINE_CHARS)}…` : text;
}

/** A line without chosen columns; with them a row is column-table.tsx's TableLine. */
export function EventLine({ ev, tz }: { ev: LogEvent; tz: TimeZoneMode }) {
  return (
    <div class="line">
      <time class="ts" dateTime={ev['@timestamp']}>{formatTime(Date.parse(ev['@timestamp']), tz)}</time>
      <span class={`level ${levelClass(ev.level)}`}>{ev.level ?? ''}</span>
      {/* A file source by its name, cut at 40 characters (CSS); whole, with the path, on hover and in the opened event. */}
      <span class="origin" title={origin(ev) || undefined}>{origin(ev, true)}</span>
      <span class="message" dir="auto">{shownMessage(ev.message)}</span>
    </div>
  );
}
