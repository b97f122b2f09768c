/**
 * A line without its terminal colour and style codes (ECMA-48 CSI sequences:
 * `ESC [ … m`, and the cursor and erase ones a progress line writes). Some
 * loggers write them to files and pipes too: Rust's tracing-subscriber by
 * default (`\x1b[2m2026-12-07T23:32:52.457Z\x1b[0m \x1b[32m INFO\x1b[0m …`),
 * logrus and zap consoles forced to colour, anything run under a TTY that
 * docker records.
 * Promtail's `decolorize` stage and Vector's `strip_ansi_escape_codes` do
 * the same. Here: multiline patterns are tested on the line as a terminal
 * shows it, so `^\d{4}-` finds a coloured record's date (the event is
 * shipped as read; ingest takes the codes out of the stored message with
 * its own copy of this function, normalize/terminal-colours.ts).
 */
export function withoutTerminalColours(text: string): string {
  return text.indexOf('\x1b') < 0 ? text : text.replace(CSI, '');
}

const CSI = /\x1b\[[0-?]*[ -/]*[@-~]/g;
