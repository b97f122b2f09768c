import { putField } from '../../../normalize/flatten-fields.js';
import { errors, type LogshipError } from '../../errors.js';
import { isLabelName, longName, MAX_NAME_BYTES } from './label-name.js';

/**
 * One entry's structured metadata, as name/value pairs in the order sent
 * (protobuf pairs, or a JSON object's entries), to the fields it becomes.
 *
 * Loki checks no structured metadata name; its distributor renames one that
 * is not a Prometheus label name (otlptranslator's LabelNamer: each character
 * outside `[a-zA-Z0-9_]` → `_`, then `key_` before a leading digit, `key`
 * before a single leading `_`) and refuses a name that comes out empty or all
 * underscores. Refusing what Loki stores would cost a client's entries for
 * good (a 400 is not retried), so logship renames as Loki does, except that a
 * name it takes as a stream label (label-name.ts: `service.name`, `_x`,
 * `@zone`) is kept as it is, the same field either way. It refuses, that
 * entry alone, with LS_INGEST_LOKI_BAD_METADATA_NAME, a name that is empty
 * (no query can name the field), that Loki's renaming refuses (`--`), or
 * that is longer than a label name may be (MAX_NAME_BYTES).
 *
 * A value that is empty is no field, as with labels (decode-loki-push.ts). A
 * name given twice with another value (protobuf pairs; a JSON object keeps
 * its last, as Loki's map does), or two names renamed to one
 * (`a-b`, `a_b`), keeps both values: Loki stores both pairs, and a field holds
 * one value, so the later one is `<name>_original` (putField), not lost.
 */
export function readStructuredMetadata(pairs: Iterable<readonly [string, string]>): Record<string, string> | LogshipError {
  const out: Record<string, string> = {};
  for (const [name, value] of pairs) {
    if (name === '') return errors.lokiBadMetadataName('""', 'is empty');
    if (Buffer.byteLength(name) > MAX_NAME_BYTES) return errors.lokiBadMetadataName(JSON.stringify(longName(name)), `is longer than ${MAX_NAME_BYTES} bytes`);
    if (value === '') continue;
    const field = isLabelName(name) ? name : lokiMetadataName(name);
    if (field === undefined) return errors.lokiBadMetadataName(JSON.stringify(name), 'has no letter or digit, which Loki requires of a name it renames');
    putField(out, field, value);
  }
  return out;
}

/** Loki's renaming of a structured metadata name (above), or undefined where Loki refuses the name. */
export function lokiMetadataName(name: string): string | undefined {
  let renamed = name.replace(/[^a-zA-Z0-9_]/gu, '_');
  if (/^[0-9]/.test(renamed)) renamed = `key_${renamed}`;
  else if (renamed.startsWith('_') && !renamed.startsWith('__')) renamed = `key${renamed}`;
  return renamed !== name && /^_+$/.test(renamed) ? undefined : renamed;
}
