import type { FlatRecord } from '../flatten-fields.js';
import { take, type Canonical, type FormatMapper, type MapContext, UTC_CONTEXT } from './format-mapper.js';
import { genericJsonFormat } from './generic-json-format.js';

/** Where the other formats find a message: a record with one of these is not a wrapped line. */
const MESSAGE_KEYS = ['message', 'msg', 'event', 'short_message', '@m', '@mt', '@message', 'MESSAGE'];

/**
 * A line wrapped in a record under `log`: what Fluent Bit's tail input and
 * Fluentd make of a line (`{"log": "…"}`, sent as is by their es output and
 * as the line of their loki output), docker's json-file and fluentd drivers
 * (`{"log": "…\n", "stream": "stderr", "time": "…"}`) and CRI logs parsed
 * by Fluent Bit. The line is the event, as the agent's docker preset makes
 * of the same line: normalize-line.ts reads it like an agent's `@raw` (a
 * JSON line by format detection, plain text with level and time sniffing),
 * and the record's other keys (`stream`, `kubernetes.*`) stay as fields.
 * Only a record with no message of its own: a JSON logger's line that has
 * a `log` field beside its `msg` is that logger's.
 */
export const fluentLogFormat: FormatMapper = {
  name: 'fluent',
  detect: (f) => typeof f.log === 'string' && !MESSAGE_KEYS.some((k) => k in f),
  map(f: FlatRecord, ctx: MapContext = UTC_CONTEXT): Canonical {
    const log = take(f, 'log') as string;
    // The record's own keys as any JSON record's: the time the shipper saw
    // the line (docker's `time`, Fluent Bit's es output's `@timestamp`; a
    // time in the line wins), a level or host a filter added.
    const canonical = genericJsonFormat.map(f, ctx);
    // docker's drivers keep the newline that ended the line.
    canonical.message = log.endsWith('\r\n') ? log.slice(0, -2) : log.endsWith('\n') ? log.slice(0, -1) : log;
    return canonical;
  },
};
