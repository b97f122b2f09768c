/**
 * Download of a search's results as NDJSON or CSV (Kibana's CSV report,
 * Grafana's "Download logs"): every hit of the search and range, in the
 * page's order, paged through next_cursor up to EXPORT_MAX events, not only
 * the rows scrolled into the list so far.
 */
import type { LogEvent } from '@logship/query/browser';
import { getJson, type SearchAnswer } from './api-client.js';
import type { SortOrder } from './page-state.js';

export const EXPORT_MAX = 10_000;

export interface ExportRequest {
  q: string;
  from: string;
  to: string;
  sort: SortOrder;
}

/** Every hit up to `max`; `more` when the search holds more than that. */
export async function fetchAll(req: ExportRequest, max = EXPORT_MAX): Promise<{ events: LogEvent[]; more: boolean }> {
  const events: LogEvent[] = [];
  let cursor: string | undefined;
  for (;;) {
    const a: SearchAnswer = await getJson<SearchAnswer>('/api/v1/search', { ...req, limit: Math.min(1000, max - events.length), cursor });
    events.push(...a.hits);
    if (a.next_cursor === null || a.hits.length === 0) return { events, more: false };
    if (events.length >= max) return { events, more: true };
    cursor = a.next_cursor;
  }
}

export function toNdjson(events: readonly LogEvent[]): string {
  return events.map((e) => `${JSON.stringify(e)}\n`).join('');
}

/**
 * The CSV's columns. With no column chosen, one per field any event has
 * (@timestamp first, message last); with columns chosen, as the table on
 * the page shows them: @timestamp, the chosen ones in their order, message
 * last (unless chosen). Every field was written whatever was chosen.
 */
export function csvColumns(events: readonly LogEvent[], chosen: readonly string[] = []): string[] {
  if (chosen.length > 0) {
    const picked = chosen.filter((c) => c !== '@timestamp');
    return ['@timestamp', ...picked, ...(picked.includes('message') ? [] : ['message'])];
  }
  const names = new Set<string>();
  for (const e of events) for (const k of Object.keys(e)) names.add(k);
  const cols = [...names].filter((n) => n !== '@timestamp' && n !== 'message').sort();
  if (names.has('@timestamp')) cols.unshift('@timestamp');
  if (names.has('message')) cols.push('message');
  return cols;
}

/**
 * The events as CSV, in csvColumns' columns, RFC
 * 4180 quoting. A cell a spreadsheet would run as a formula (`=`, `+`, `@`,
 * `-` not starting a number) gets a leading `'`, as Kibana's export does: a
 * logged `=HYPERLINK(…)` is an attacker's text.
 */
export function toCsv(events: readonly LogEvent[], chosen: readonly string[] = []): string {
  const cols = csvColumns(events, chosen);
  // A plain field name (`@timestamp`) is no formula; any other `@…` may be.
  const cell = (v: unknown, name = false): string => {
    if (v === undefined || v === null) return '';
    let text = typeof v === 'object' ? JSON.stringify(v) : String(v);
    const plainName = name && /^@[\w.]+$/.test(text);
    if (!plainName && (/^[=+@\t\r]/.test(text) || (/^-/.test(text) && !/^-\d/.test(text)))) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const lines = [cols.map((c) => cell(c, true)).join(',')];
  for (const e of events) lines.push(cols.map((c) => cell(e[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** Saves `text` as a file the browser downloads. */
export function saveFile(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
