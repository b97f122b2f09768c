/**
 * The event ids the agent gives, written so that the ids of one source sort
 * as its lines came. Every store orders events of one `@timestamp` by
 * `event.id` as UTF-8 bytes (search, tail, context), and a file often writes
 * hundreds of lines in one second; Loki and VictoriaLogs keep file order
 * there, and so must logship.
 *
 * Files (`file`, `nginx`, `docker`): `f:<identity>:<L><offset>`, the byte
 * offset of the line in decimal after one capital letter giving its number
 * of digits (`A` 1 … `P` 16, and 2^53 has 16): `A0`, `D2489`, `E24890`. A
 * shorter number sorts first by its letter, numbers of one length by their
 * digits. Not zero padding: the block store turns ids that differ in a
 * number into a template and a delta varint (blocks/template-strings.ts),
 * and a number led by zeros stays text there. Measured (2026-12-05) with
 * encodeBlock on 10,000 lines of one file, offsets from 0 and from 50 MB,
 * the event.id column: plain offsets 0.03–0.04 B/event, this 0.03–0.04,
 * 16-digit zero padding 3.7, where a whole event took 29 in
 * docs/BLOCK_ENCODING.md's measurement. SQLite stores the text: one byte
 * more than a plain offset instead of 7–10.
 *
 * Agents before this wrote plain offsets (`f:<identity>:2489`).
 * A line read again after an upgrade must get the id it was sent with, or
 * ingest would store it twice: the checkpoint marks what an earlier agent
 * may have sent (checkpoint-store.ts), and those lines keep that form.
 */

/** The first offset of a file whose line ids are written in the sorting form: lines before it keep plain offsets. */
export function fileEventId(identity: string, offset: number, sortingFrom = 0): string {
  return `f:${identity}:${offset < sortingFrom ? String(offset) : sortingOffset(offset)}`;
}

/** An offset as `<letter giving its digit count><digits>`, sorting as the number does. */
export function sortingOffset(offset: number): string {
  const digits = String(offset);
  return String.fromCharCode(64 + digits.length) + digits;
}
