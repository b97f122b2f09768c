/**
 * Why one NDJSON line cannot become an event. Per-line errors: the ingest
 * answer lists them by line number and stores the rest of the batch; the
 * status is the one the line would have on its own.
 */
import { defineError } from '../errors/define-error.js';

export const normalizeErrors = {
  lineNotJson: defineError('LS_INGEST_LINE_NOT_JSON', 'line is not valid JSON: %s', 400),
  lineNotObject: defineError('LS_INGEST_LINE_NOT_OBJECT', 'line is JSON but not an object (got %s)', 400),
} as const;
