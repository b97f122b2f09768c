/**
 * The exception a stack trace ends a program with (or a logger printed),
 * read from the text as its runtime wrote it: ECS's `error.type` and
 * `error.message`, so `error.type:ValueError` and `stats count by
 * error.type` find plain-text traces as they find ECS records. Only forms
 * that cannot be misread are taken; anything else gives nothing, because a
 * wrong type is worse than none (the whole trace stays in `message`).
 *
 * - Python: the outermost exception of a chain, which Python prints last:
 *   the first unindented line after the last `File "…", line N` frame
 *   (a SyntaxError's code and caret lines are indented; notes and a
 *   multi-line message's further lines come after it). An ExceptionGroup
 *   is read from its own box (`  | ` lines), not from its sub-exceptions.
 * - JVM: `Exception in thread "main" pkg.Type: message`, or a logged
 *   trace's top exception: the last `pkg.Type: message` line before the
 *   first `\tat` frame (its `Caused by:` exceptions come after the frames).
 * - Go: `panic: message` (type `panic`; a runtime error's message keeps its
 *   `runtime error: ` words, as `err.Error()` says them), `fatal error: …`
 *   (type `fatal error`), net/http's recovered `http: panic serving ADDR: …`.
 * - Rust: `thread 'main' panicked at file:line:col:` and the message on the
 *   lines under it (type `panic`), or before 1.73 `panicked at 'message', file:line:col`.
 * - Node: an uncaught error as Node prints it (the throwing line, its caret,
 *   a blank line, `TypeError: message`, then its `    at` frames).
 */
export interface TraceException {
  type: string;
  message?: string;
}

const PY_TRACEBACK = 'Traceback (most recent call last):';
const PY_GROUP = '  + Exception Group Traceback (most recent call last):';
// A script Python could not compile: no Traceback line, the place first and the error last (sniff-plain-text.ts).
const PY_SYNTAX = /^ {2}File "[^"\n]+", line \d+\n[\s\S]*\n(?:SyntaxError|IndentationError|TabError): [^\n]*$/;
const PY_FRAME = /^ {2}File "[^"\n]*", line \d+/;
const PY_EXCEPTION = /^([A-Za-z_][\w.]*)(?:: (.*))?$/;
// A JVM class name as Throwable.toString() prints it: a package (a dot) unless it follows `Exception in thread`.
const JVM_UNCAUGHT = /^Exception in thread "[^"\n]*" ([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)(?:: (.*))?$/;
// Elsewhere a package in lower case and a class name in capitals, so a logger's name (`orders.worker: …`) is not one.
const JVM_EXCEPTION = /^((?:[a-z_$][\w$]*\.)+[A-Z][\w$]*)(?:: (.*))?$/;
const JVM_FRAME = /^\tat \S/;
const GO_PANIC = /^(panic|fatal error): (.*)$/;
// Re-panicked while recovering: which panic is the one that counts is not the first line's to say.
const GO_REPANIC = / \[recovered(?:, repanicked)?\]$/;
const GO_HTTP_PANIC = /^(?:\S+ ){0,3}http: panic serving \S+: (.*)$/;
const RUST_PANIC = /^thread '[^'\n]*'(?: \(\d+\))? panicked at (?:\S+:\d+:\d+:$|'(.*)', \S+:\d+:\d+$)/;
const RUST_END = /^(?:stack backtrace:|note: )/;
const NODE_START = /^(?:file:\/\/|node:)?\/?\S*:\d+\n/;
const NODE_END = /\nNode\.js v\d+\.\d+\.\d+$/;
const NODE_ERROR = /^([A-Za-z_$][\w$]*)(?: \[[\w-]+\])?(?:: (.*))?$/;
const NODE_FRAME = /^ {4}at \S/;

export function traceException(text: string): TraceException | undefined {
  const t = text.includes('\r') ? text.replace(/\r(?=\n|$)/g, '') : text;
  const first = firstLine(t);
  const go = GO_PANIC.exec(first);
  if (go) return GO_REPANIC.test(go[2]!) ? { type: go[1]! } : { type: go[1]!, message: go[2]! };
  const rust = RUST_PANIC.exec(first);
  if (rust) return rust[1] !== undefined ? { type: 'panic', message: rust[1] } : rustPanic(t);
  const jvm = JVM_UNCAUGHT.exec(first);
  if (jvm) return exception(jvm[1]!, jvm[2]);
  const group = lastLineStart(t, PY_GROUP);
  const traceback = lastLineStart(t, PY_TRACEBACK);
  // The outermost exception is printed last: a group's box, or a traceback after one (`During handling …`).
  if (group >= 0 && group > traceback) return pythonException(groupBox(t.slice(group)));
  if (traceback >= 0) return pythonException(t.slice(traceback).split('\n'));
  if (PY_SYNTAX.test(t)) return pythonException(t.split('\n'));
  if (NODE_START.test(t) && NODE_END.test(t)) return nodeException(t);
  const http = GO_HTTP_PANIC.exec(first);
  if (http) return { type: 'panic', message: http[1]! };
  if (t.includes('\n\tat ')) return jvmException(t);
  return undefined;
}

/** Where the last line that is `line` starts, or -1. */
function lastLineStart(text: string, line: string): number {
  for (let at = text.lastIndexOf(line); at >= 0; at = at === 0 ? -1 : text.lastIndexOf(line, at - 1)) {
    const end = at + line.length;
    if ((at === 0 || text[at - 1] === '\n') && (end === text.length || text[end] === '\n')) return at;
  }
  return -1;
}

function firstLine(text: string): string {
  const end = text.indexOf('\n');
  return end < 0 ? text : text.slice(0, end);
}

function exception(type: string, message: string | undefined): TraceException {
  return message === undefined || message === '' ? { type } : { type, message };
}

function pythonException(lines: string[]): TraceException | undefined {
  let frame = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (PY_FRAME.test(lines[i]!)) {
      frame = i;
      break;
    }
  }
  if (frame < 0) return undefined;
  for (let i = frame + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith(' ') || line.startsWith('\t')) continue;
    const m = PY_EXCEPTION.exec(line);
    return m ? exception(m[1]!, m[2]) : undefined;
  }
  return undefined;
}

/** The outermost group's own lines (`  | …`), without the sub-exceptions' boxes (`    | …`). */
function groupBox(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) if (line.startsWith('  | ')) out.push(line.slice(4));
  return out;
}

function rustPanic(text: string): TraceException | undefined {
  const lines = text.split('\n');
  let end = 1;
  while (end < lines.length && !RUST_END.test(lines[end]!)) end++;
  // Without the `note:` or `stack backtrace:` line that follows a panic's message, where it ends is a guess.
  if (end === lines.length && lines.length !== 2) return { type: 'panic' };
  return exception('panic', lines.slice(1, end).join('\n'));
}

function nodeException(text: string): TraceException | undefined {
  const lines = text.split('\n');
  const blank = lines.indexOf('');
  if (blank < 0 || blank + 2 >= lines.length) return undefined;
  const m = NODE_ERROR.exec(lines[blank + 1]!);
  // The error line is followed by its frames; a thrown string or object has none.
  if (!m || !NODE_FRAME.test(lines[blank + 2]!)) return undefined;
  return exception(m[1]!, m[2]);
}

function jvmException(text: string): TraceException | undefined {
  const lines = text.split('\n');
  const frame = lines.findIndex((l) => JVM_FRAME.test(l));
  // The last before the frames: a log header line may come first, a message's indented lines after it.
  for (let i = frame - 1; i >= 0; i--) {
    const m = JVM_EXCEPTION.exec(lines[i]!);
    if (m) return exception(m[1]!, m[2]);
  }
  return undefined;
}
