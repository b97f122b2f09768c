import type { LogEvent } from '@logship/query/core';
import { FLAG_FIELDS } from './limits.js';
import { traceException } from './trace-exception.js';
import { truncateValue } from './truncate-value.js';

/**
 * The fields the agent gives each part of a multiline event it cut at
 * max_lines or max_message_bytes (agent multiline.ts): the part's number
 * from 1, how many parts, and the first part's event id, which finds them
 * all (`log.cut.first:"<id>"`).
 */
export const CUT_PART = 'log.cut.part';
export const CUT_PARTS = 'log.cut.parts';
export const CUT_FIRST = 'log.cut.first';

/**
 * A stack trace cut into parts has its exception in one of them: a Python
 * traceback's last (Python prints it last), a JVM or Go trace's first. Read
 * alone, the other parts had no `error.type` and `error.message`, so
 * `error.type:RecursionError` missed most of the trace, or all of it when
 * the part with the exception line had no `Traceback` line to be read as
 * one. The agent sends a cut event's parts in one batch: the parts of one
 * request that make a whole event are joined in order, read as one trace
 * (trace-exception.ts), and every part gets its exception. A part whose
 * group is not whole in the request (a batch split by a 413, lines held
 * and sent again) keeps what was read from it alone.
 */
export function shareCutTraceErrors(events: readonly LogEvent[], maxValueBytes: number): void {
  let groups: Map<string, LogEvent[]> | undefined;
  for (const event of events) {
    const first = (event as Record<string, unknown>)[CUT_FIRST];
    if (typeof first !== 'string') continue;
    groups ??= new Map();
    const group = groups.get(first);
    if (group === undefined) groups.set(first, [event]);
    else group.push(event);
  }
  if (groups === undefined) return;
  for (const group of groups.values()) {
    const parts = whole(group);
    if (parts === undefined) continue;
    const found = traceException(parts.map((p) => (typeof p.message === 'string' ? p.message : '')).join('\n'));
    if (found === undefined) continue;
    const type = truncateValue(found.type, maxValueBytes);
    const message = found.message !== undefined ? truncateValue(found.message, maxValueBytes) : undefined;
    for (const part of parts) {
      const fields = part as Record<string, unknown>;
      fields['error.type'] = type;
      if (message !== undefined) fields['error.message'] = message;
      else delete fields['error.message'];
      if (type !== found.type || message !== found.message) fields[FLAG_FIELDS.truncated] = true;
    }
  }
}

/** The group's parts in order when it holds each of them once, else undefined. */
function whole(group: LogEvent[]): LogEvent[] | undefined {
  const n = (group[0] as Record<string, unknown>)[CUT_PARTS];
  if (typeof n !== 'number' || group.length !== n) return undefined;
  const parts = new Array<LogEvent | undefined>(n).fill(undefined);
  for (const event of group) {
    const fields = event as Record<string, unknown>;
    const part = fields[CUT_PART];
    if (fields[CUT_PARTS] !== n || typeof part !== 'number' || !Number.isInteger(part) || part < 1 || part > n || parts[part - 1] !== undefined) return undefined;
    parts[part - 1] = event;
  }
  return parts as LogEvent[];
}
