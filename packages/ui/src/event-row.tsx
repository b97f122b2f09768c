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
 * LINE_CHARS characters (CSS clamps it to 10 lines; one of more lines is cut by cutMessage). A 20,000-character
 * message filled the whole list with one row.
 */
export function shownMessage(message: unknown): string {
  const text = message === undefined || message === null ? '' : String(message).replace(/\s+$/, '');
  return text.length > LINE_CHARS ? `${text.slice(0, LINE_CHARS)}…` : text;
}

/** Characters of a cut message's last line a row holds (a Java exception line can be long). */
const TAIL_CHARS = 1000;

/** A message longer than its row: the first lines, how many are left out (and which: the context view's anchor shows them), the last. */
export interface CutMessage {
  head: string;
  skipped: number;
  middle: string;
  tail: string;
}

/**
 * A message of more than `rows` lines as its row cuts it: its first lines,
 * `… N lines …`, and its last line, where a Python traceback has its
 * exception (the line a reader needs, which clamping to the first lines
 * hid). Undefined when the message fits. The last line is taken from the
 * whole message, not from LINE_CHARS of it.
 */
export function cutMessage(message: unknown, rows: number): CutMessage | undefined {
  const text = message === undefined || message === null ? '' : String(message).replace(/\s+$/, '');
  const lines = text.split('\n');
  if (lines.length <= rows) return undefined;
  const kept = Math.max(1, rows - 2);
  const last = lines[lines.length - 1]!;
  return {
    head: shownMessage(lines.slice(0, kept).join('\n')),
    skipped: lines.length - kept - 1,
    middle: shownMessage(lines.slice(kept, -1).join('\n')),
    tail: last.length > TAIL_CHARS ? `${last.slice(0, TAIL_CHARS)}…` : last,
  };
}

/** A row's message: whole up to `rows` lines (CSS clamps long lines), else cut as cutMessage says. */
export function MessageText({ message, rows }: { message: unknown; rows: number }) {
  const cut = cutMessage(message, rows);
  if (cut === undefined) return <span class="message" dir="auto">{shownMessage(message)}</span>;
  return (
    <span class="message cut" dir="auto">
      <span class="head">{cut.head}</span>
      <span class="skipped">{`… ${cut.skipped} lines …`}</span>
      <span class="middle">{`\n${cut.middle}\n`}</span>
      <span class="tail">{cut.tail}</span>
    </span>
  );
}

/** A line without chosen columns; with them a row is column-table.tsx's TableLine. */
export function EventLine({ ev, tz }: { ev: LogEvent; tz: TimeZoneMode }) {
  return (
    <div class="line">
      <time class="ts" dateTime={ev['@timestamp']}>{formatTime(Date.parse(ev['@timestamp']), tz)}</time>
      <span class={`level ${levelClass(ev.level)}`}>{ev.level ?? ''}</span>
      {/* A file source by its name, cut at 40 characters (CSS); whole, with the path, on hover and in the opened event. */}
      <span class="origin" title={origin(ev) || undefined}>{origin(ev, true)}</span>
      <MessageText message={ev.message} rows={10} />
    </div>
  );
}
