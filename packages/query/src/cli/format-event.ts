import { shortSource } from '../short-source.js';

/**
 * Renders an event as one readable terminal line:
 *   2026-11-23 10:51:15.906 ERROR  web-1 django.request  Internal Server Error: /api/orders  status=500
 */
const LEVEL_COLOR: Record<string, string> = {
  trace: '\x1b[90m', debug: '\x1b[90m', info: '\x1b[32m', notice: '\x1b[36m', warning: '\x1b[33m',
  error: '\x1b[31m', critical: '\x1b[1;31m', alert: '\x1b[1;31m', emergency: '\x1b[1;41m',
};
const DIM = '\x1b[2m';
const RESET = '\x1b[0m';
const SHOWN = new Set(['@timestamp', 'level', 'host', 'logger', 'message', 'event.id']);

/**
 * Control characters (C0 but newline and tab, DEL, C1) and the bidi
 * overrides, which a terminal would obey rather than show: a log line is
 * written by whoever can reach the logger, and `ESC [ 2 J`, `ESC ] 0 ;`
 * (window title), OSC 52 (clipboard) or a bare `\r` that hides the start of
 * a line must not act on the reader's terminal.
 */
const UNPRINTABLE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

/** `text` with every character a terminal would act on written as an escape (`\x1b`, `\r`, `\u202e`). */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => {
    if (c === '\r') return '\\r';
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

export interface FormatOptions {
  color: boolean;
  /** Extra fields to print as key=value after the message; ['*'] prints all. */
  fields: string[];
}

export function formatEvent(ev: Record<string, unknown>, opts: FormatOptions): string {
  const ts = typeof ev['@timestamp'] === 'string' ? printable(ev['@timestamp'].replace('T', ' ').replace('Z', '')) : '-';
  const level = typeof ev.level === 'string' ? printable(ev.level) : '-';
  const lv = level.toUpperCase().padEnd(7);
  const levelText = opts.color ? `${LEVEL_COLOR[level] ?? ''}${lv}${RESET}` : lv;
  // A file source by its name, as the page's row shows it (short-source.ts).
  const source = typeof ev.source === 'string' ? shortSource(ev.source) : ev.source;
  const who = printable([ev.host, ev.logger ?? ev.unit ?? source].filter((x) => x !== undefined && x !== null).join(' '));
  const msg = typeof ev.message === 'string' ? printable(ev.message).replace(/\n/g, '\n    ') : '';
  const keys = opts.fields.includes('*') ? Object.keys(ev).filter((k) => !SHOWN.has(k)).sort() : opts.fields;
  const extra = keys
    .filter((k) => ev[k] !== undefined)
    .map((k) => printable(`${k}=${typeof ev[k] === 'string' && /\s/.test(ev[k] as string) ? JSON.stringify(ev[k]) : String(ev[k])}`))
    .join(' ');
  const whoText = opts.color ? `${DIM}${who}${RESET}` : who;
  return `${ts} ${levelText} ${whoText}  ${msg}${extra ? `  ${opts.color ? DIM : ''}${extra}${opts.color ? RESET : ''}` : ''}`;
}
