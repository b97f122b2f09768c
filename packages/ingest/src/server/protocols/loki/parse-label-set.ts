import { readGoQuoted } from '../../../normalize/go-quoted.js';
import { setEventField } from '@logship/query/core';
import { errors } from '../../errors.js';
import { duplicateLabel, labelNameError, NAME_CHAR } from './label-name.js';

/**
 * Parses a Prometheus label set as Loki's protobuf push carries it:
 * `{job="varlogs", filename="/var/log/syslog"}`, values as Go-quoted strings
 * (Promtail and Alloy write them with strconv.Quote: every escape it makes
 * is read, `\r`, `\x01`, `\u200b` and a non-UTF-8 byte's `\xff` too, since a
 * label it cannot read costs the whole push).
 * Throws LS_INGEST_BAD_PAYLOAD on anything else, and, as Loki refuses such a
 * stream, LS_INGEST_LOKI_BAD_LABEL_NAME for a name it does not take
 * (label-name.ts), LS_INGEST_LOKI_LABEL_NAME_TOO_LONG past Loki's 1,024
 * bytes, and LS_INGEST_LOKI_DUPLICATE_LABEL for a name given twice
 * (read, the last value replaced the first).
 */
export function parseLabelSet(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let i = skipSpace(text, 0);
  if (text[i] !== '{') throw bad(text, 'it does not start with "{"');
  i = skipSpace(text, i + 1);
  if (text[i] === '}') return finishAt(text, i + 1, out);
  for (;;) {
    const nameStart = i;
    while (i < text.length && NAME_CHAR.test(text[i]!)) i++;
    if (i === nameStart) throw bad(text, `a label name was expected at offset ${i}`);
    const name = text.slice(nameStart, i);
    const refused = labelNameError(name, text);
    if (refused) throw refused;
    if (Object.hasOwn(out, name)) throw duplicateLabel(name, text);
    i = skipSpace(text, i);
    if (text[i] !== '=') throw bad(text, `"=" was expected at offset ${i}`);
    i = skipSpace(text, i + 1);
    if (text[i] !== '"') throw bad(text, `a quoted value was expected at offset ${i}`);
    const quoted = readGoQuoted(text, i);
    if (!quoted.ok) throw bad(text, quoted.why);
    setEventField(out, name, quoted.value);
    i = skipSpace(text, quoted.end);
    if (text[i] === ',') {
      i = skipSpace(text, i + 1);
      if (text[i] === '}') return finishAt(text, i + 1, out);
      continue;
    }
    if (text[i] === '}') return finishAt(text, i + 1, out);
    throw bad(text, `"," or "}" was expected at offset ${i}`);
  }
}

function finishAt(text: string, i: number, out: Record<string, string>): Record<string, string> {
  if (skipSpace(text, i) !== text.length) throw bad(text, `unexpected text after "}" at offset ${i}`);
  return out;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  return i;
}

function bad(text: string, why: string): Error {
  const shown = text.length > 200 ? `${text.slice(0, 200)}…` : text;
  return errors.badPayload(`stream labels ${JSON.stringify(shown)} are not a label set: ${why}`);
}
