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

/** LS_INGEST_LOKI_BAD_LABEL_NAME: `labels` is the stream's label set as text. */
export function badLabelName(name: string, labels: string): LogshipError {
  return errors.lokiBadLabelName(shown(labels), JSON.stringify(name));
}

/** LS_INGEST_LOKI_DUPLICATE_LABEL, in Loki's words (validation.DuplicateLabelNamesErrorMsg). */
export function duplicateLabel(name: string, labels: string): LogshipError {
  return errors.lokiDuplicateLabel(shown(labels), name);
}

function shown(labels: string): string {
  return labels.length > 200 ? `${labels.slice(0, 200)}…` : labels;
}
