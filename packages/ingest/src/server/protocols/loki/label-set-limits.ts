import { errors, type LogshipError } from '../../errors.js';
import { longName, shownLabelSet } from './label-name.js';

/**
 * Loki's `max_label_value_length` default: a stream with a longer label
 * value (in bytes) is refused (label_value_too_long). Before, logship stored
 * it, cut at `limits.max_value_bytes` (64 KiB) and flagged: a client whose
 * labels Loki refuses was not told, and a label of up to 64 KiB became a field
 * on each of the stream's entries.
 */
export const MAX_LABEL_VALUE_BYTES = 2048;

/**
 * Loki's `max_label_names_per_series` default: a stream with more labels is
 * refused (max_label_names_per_series). `service_name` is not counted, as in
 * Loki, which adds it to every stream that lacks it (validator.go).
 */
export const MAX_LABEL_NAMES_PER_SERIES = 15;

/**
 * Why Loki's distributor refuses this stream for its label set's size, or
 * undefined when it does not: more than MAX_LABEL_NAMES_PER_SERIES labels,
 * then a value over MAX_LABEL_VALUE_BYTES, checked in that order and on the
 * labels Loki keeps (an empty value is no label: decode-loki-push.ts). Loki
 * refuses that stream alone: its entries are discarded, the push's other
 * streams stored, and the answer is a 400 naming it (ValidateLabels, whose
 * error is added to the push's and the stream skipped). The limits are Loki's
 * defaults and not configurable here, as MAX_NAME_BYTES (label-name.ts).
 * `text` is the label set as sent, for the message.
 */
export function labelSetLimitError(labels: Readonly<Record<string, string>>, text: string): LogshipError | undefined {
  const kept = Object.entries(labels).filter(([, value]) => value !== '');
  const counted = kept.length - (kept.some(([name]) => name === 'service_name') ? 1 : 0);
  if (counted > MAX_LABEL_NAMES_PER_SERIES) return errors.lokiTooManyLabels(shownLabelSet(text), counted, MAX_LABEL_NAMES_PER_SERIES);
  for (const [, value] of kept) {
    if (Buffer.byteLength(value) > MAX_LABEL_VALUE_BYTES) return errors.lokiLabelValueTooLong(shownLabelSet(text), longName(value));
  }
  return undefined;
}
