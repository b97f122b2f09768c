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

export interface FormatOptions {
  color: boolean;
  /** Extra fields to print as key=value after the message; ['*'] prints all. */
  fields: string[];
}

export function formatEvent(ev: Record<string, unknown>, opts: FormatOptions): string {
  const ts = typeof ev['@timestamp'] === 'string' ? ev['@timestamp'].replace('T', ' ').replace('Z', '') : '-';
  const level = typeof ev.level === 'string' ? ev.level : '-';
  const lv = level.toUpperCase().padEnd(7);
  const levelText = opts.color ? `${LEVEL_COLOR[level] ?? ''}${lv}${RESET}` : lv;
  const who = [ev.host, ev.logger ?? ev.unit ?? ev.source].filter((x) => x !== undefined && x !== null).join(' ');
  const msg = typeof ev.message === 'string' ? ev.message.replace(/\n/g, '\n    ') : '';
  const keys = opts.fields.includes('*') ? Object.keys(ev).filter((k) => !SHOWN.has(k)).sort() : opts.fields;
  const extra = keys
    .filter((k) => ev[k] !== undefined)
    .map((k) => `${k}=${typeof ev[k] === 'string' && /\s/.test(ev[k] as string) ? JSON.stringify(ev[k]) : String(ev[k])}`)
    .join(' ');
  const whoText = opts.color ? `${DIM}${who}${RESET}` : who;
  return `${ts} ${levelText} ${whoText}  ${msg}${extra ? `  ${opts.color ? DIM : ''}${extra}${opts.color ? RESET : ''}` : ''}`;
}
