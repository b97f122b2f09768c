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
 * journald: `j:<cursor>` with the cursor's sequence number (`i=`, hex)
 * zero-padded to 16 digits, the width of its 64 bits. The entry hash (`x=`)
 * already keeps those ids from templating, so padding costs nothing there.
 *
 * Agents before this wrote both plainly (`f:<identity>:2489`, `i=9b9`).
 * A line read again after an upgrade must get the id it was sent with, or
 * ingest would store it twice: the checkpoint marks what an earlier agent
 * may have sent (checkpoint-store.ts), and those lines keep that form.
 */

/**
 * A file line's id: lines before `sortingFrom` keep plain offsets, and from
 * `hostFrom` on the identity carries the host's tag (file-event-ids.ts),
 * after `@`, which sorts after the `:` of the ids before it.
 */
export function fileEventId(identity: string, offset: number, sortingFrom = 0, host = '', hostFrom = 0): string {
  const at = host !== '' && offset >= hostFrom ? `@${host}` : '';
  return `f:${identity}${at}:${offset < sortingFrom ? String(offset) : sortingOffset(offset)}`;
}

/** An offset as `<letter giving its digit count><digits>`, sorting as the number does. */
export function sortingOffset(offset: number): string {
  const digits = String(offset);
  return String.fromCharCode(64 + digits.length) + digits;
}

/** The parts of a journal cursor the agent compares: seqnum id, seqnum and realtime (µs), as hex text. */
export interface CursorOrder {
  readonly seqnumId: string;
  readonly seqnum: string;
  readonly realtime: string;
}

/** `s=…;i=…;b=…;m=…;t=…;x=…` → its order fields, or null when one is missing. */
export function cursorOrder(cursor: string): CursorOrder | null {
  let seqnumId: string | undefined;
  let seqnum: string | undefined;
  let realtime: string | undefined;
  for (const part of cursor.split(';')) {
    if (part.startsWith('s=')) seqnumId = part.slice(2);
    else if (part.startsWith('i=')) seqnum = part.slice(2);
    else if (part.startsWith('t=')) realtime = part.slice(2);
  }
  if (seqnumId === undefined || seqnum === undefined || realtime === undefined) return null;
  if (!/^[0-9a-f]{1,16}$/.test(seqnum) || !/^[0-9a-f]{1,16}$/.test(realtime)) return null;
  return { seqnumId, seqnum, realtime };
}

/** Hex numbers without leading zeros compared as numbers. */
function compareHex(a: string, b: string): number {
  const x = a.replace(/^0+(?=.)/, '');
  const y = b.replace(/^0+(?=.)/, '');
  return x.length - y.length || (x < y ? -1 : x > y ? 1 : 0);
}

/**
 * Whether an entry comes no later than `last` (the journal's last entry when
 * an upgraded agent first started): by sequence number within one seqnum id
 * (one journald), by realtime across them (merged journals of other hosts).
 */
export function cursorAtOrBefore(entry: CursorOrder, last: CursorOrder): boolean {
  if (entry.seqnumId === last.seqnumId) return compareHex(entry.seqnum, last.seqnum) <= 0;
  return compareHex(entry.realtime, last.realtime) <= 0;
}

/**
 * `j:<cursor>` with `i=` zero-padded, or as earlier agents wrote it for an
 * entry at or before `legacyThrough`. A cursor without an `i=` is kept as it is.
 */
export function journalEventId(cursor: string, legacyThrough: CursorOrder | null = null): string {
  const order = cursorOrder(cursor);
  if (order === null || (legacyThrough !== null && cursorAtOrBefore(order, legacyThrough))) return `j:${cursor}`;
  return `j:${cursor.replace(/(^|;)i=([0-9a-f]+)/, (_, sep: string, hex: string) => `${sep}i=${hex.padStart(16, '0')}`)}`;
}
