import { errors, type LogshipError } from '../../errors.js';

/**
 * Which stream label names a Loki push may carry, protobuf or JSON alike.
 *
 * Loki reads a stream's labels with Prometheus' parser: a name is
 * `[a-zA-Z_][a-zA-Z0-9_]*`, and any other (`""`, `service-name`, `1abc`)
 * refuses the stream. logship takes those, and keeps two leniencies it has
 * had on purpose: `.` and `:` after the first character (its protobuf label
 * reader has read them since it was written; `service.name` is stored as the
 * dotted field people search by), and one leading `@` (a JSON label
 * `@timezone` is stored as `loki.@timezone`, docs/PROTOCOLS.md). Any other
 * name refuses its stream alone, as Loki's distributor does: stored, `""`
 * was a field no query can name.
 */
const NAME = /^@?[A-Za-z_][A-Za-z0-9_.:]*$/;

/** The characters the protobuf label-set reader takes in a name; NAME decides which arrangements of them are names. */
export const NAME_CHAR = /[A-Za-z0-9_.:@]/;

/** Whether a stream may carry this label name (above). */
export function isLabelName(name: string): boolean {
  return NAME.test(name);
}

/**
 * Loki's `max_label_name_length` default: a longer label name refuses its
 * stream (label_name_too_long), and logship holds structured metadata names
 * to it too. Unchecked, a push could name a field with megabytes (a native
 * line's names are bounded by `max_line_bytes`; a Loki entry's only by the
 * body), every one a field name the store and the fields API carry.
 */
export const MAX_NAME_BYTES = 1024;

/** Why a stream may not carry this label name (isLabelName, MAX_NAME_BYTES), or undefined when it may. */
export function labelNameError(name: string, labels: string): LogshipError | undefined {
  if (!isLabelName(name)) return badLabelName(name, labels);
  // A label name is ASCII (NAME), so its length is its bytes.
  if (name.length > MAX_NAME_BYTES) return errors.lokiLabelNameTooLong(shownLabelSet(labels), longName(name));
  return undefined;
}

/** A name for a message: the first 64 characters of a long one, and its length in bytes. */
export function longName(name: string): string {
  return name.length > 64 ? `${name.slice(0, 64)}… (${Buffer.byteLength(name)} bytes)` : name;
}

/** LS_INGEST_LOKI_BAD_LABEL_NAME: `labels` is the stream's label set as text. */
export function badLabelName(name: string, labels: string): LogshipError {
  return errors.lokiBadLabelName(shownLabelSet(labels), JSON.stringify(name));
}

/** LS_INGEST_LOKI_DUPLICATE_LABEL, in Loki's words (validation.DuplicateLabelNamesErrorMsg). */
export function duplicateLabel(name: string, labels: string): LogshipError {
  return errors.lokiDuplicateLabel(shownLabelSet(labels), name);
}

/** A stream's label set as text for a message: its first 200 characters. */
export function shownLabelSet(labels: string): string {
  return labels.length > 200 ? `${labels.slice(0, 200)}…` : labels;
}
