/*
 * A syslog UDP datagram may hold several messages, one a line: senders that
 * batch (and VictoriaLogs, which reads them so) put them newline-separated
 * in one datagram. A line that starts a new message starts with its
 * `<PRI>`; a line that does not (a stack trace's next line) belongs to the
 * message before it, which a sender that sends one multi-line message a
 * datagram means whole.
 */

/** The messages of one datagram: cut before each `<PRI>` that starts a line (LF or NUL before it), trailing CR/LF/NUL dropped. */
export function splitDatagram(msg: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < msg.length; i++) {
    const c = msg[i];
    if ((c === 0x0a || c === 0x00) && startsWithPri(msg, i + 1)) {
      push(out, msg.subarray(start, i));
      start = i + 1;
    }
  }
  push(out, msg.subarray(start));
  return out;
}

function push(out: Buffer[], frame: Buffer): void {
  let end = frame.length;
  while (end > 0 && (frame[end - 1] === 0x0a || frame[end - 1] === 0x0d || frame[end - 1] === 0x00)) end--;
  if (end > 0) out.push(frame.subarray(0, end));
}

/** `<` one to three digits `>` at `at` (RFC 5424's PRI). */
function startsWithPri(b: Buffer, at: number): boolean {
  if (b[at] !== 0x3c) return false;
  let i = at + 1;
  while (i < b.length && i <= at + 3 && b[i]! >= 0x30 && b[i]! <= 0x39) i++;
  return i > at + 1 && b[i] === 0x3e;
}
