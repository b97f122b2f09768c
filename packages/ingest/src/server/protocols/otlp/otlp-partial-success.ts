import type { IngestOutcome } from '../../ingest-batch.js';

/**
 * An export's ExportLogsPartialSuccess, or undefined when every record was
 * taken. Rejected records are the refused ones and the ones older than
 * retention: the OTLP spec counts any record the server did not accept,
 * and answered as a plain success an old backfill vanished without a
 * word; the Collector logs this count and message. Duplicates (a retry)
 * and `ingest.drop` rules (the operator's choice) are accepted records.
 */
export function otlpPartialSuccess(outcome: IngestOutcome): { rejectedLogRecords: number; errorMessage: string } | undefined {
  const rejected = outcome.errors.length + outcome.expired;
  if (rejected === 0) return undefined;
  const parts = outcome.errors.slice(0, 5).map((e) => `record ${e.ref}: ${e.code}: ${e.reason}`);
  if (outcome.errors.length > 5) parts.push(`and ${outcome.errors.length - 5} more`);
  if (outcome.expired > 0) parts.push(`${outcome.expired} record(s) older than retention keeps were not stored`);
  return { rejectedLogRecords: rejected, errorMessage: parts.join('; ') };
}
