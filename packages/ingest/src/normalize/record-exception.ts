/**
 * ECS's `error.type` and `error.message` for JSON records that carry an
 * exception under their own names, so `error.type:ValueError` and `stats
 * count by error.type` find them as they find ECS records and plain-text
 * traces (trace-exception.ts). The record's own fields stay as they are;
 * a record that has `error.type` already (ECS, or its own) keeps it.
 *
 * - pino: its err serializer's `err.type` and `err.message` (bunyan's: `err.name`);
 * - loguru `serialize=True`: `exception.type` and `exception.value` (record.exception, flattened by its mapper);
 * - python-json-logger: the exception line of the traceback in `exc_info`;
 * - structlog's JSONRenderer after format_exc_info (generic JSON): the traceback in `exception`.
 */
import { hasField, setField, type FlatRecord } from './flatten-fields.js';
import { traceException } from './trace-exception.js';
import { truncateValue } from './truncate-value.js';

export function addRecordException(format: string, fields: FlatRecord, maxValueBytes: number): void {
  if (hasField(fields, 'error.type')) return;
  let type: unknown;
  let message: unknown;
  if (format === 'pino') {
    type = fields['err.type'] ?? fields['err.name'];
    message = fields['err.message'];
  } else if (format === 'loguru') {
    type = fields['exception.type'];
    message = fields['exception.value'];
  } else {
    const trace = format === 'python-json-logger' ? fields.exc_info : format === 'json' ? fields.exception : undefined;
    // Only a Python traceback: another runtime's text in these fields is not what these loggers write.
    if (typeof trace !== 'string' || !trace.includes('Traceback (most recent call last):')) return;
    const found = traceException(trace);
    type = found?.type;
    message = found?.message;
  }
  if (typeof type !== 'string' || type === '') return;
  setField(fields, 'error.type', truncateValue(type, maxValueBytes));
  if (typeof message === 'string' && message !== '' && !hasField(fields, 'error.message')) {
    setField(fields, 'error.message', truncateValue(message, maxValueBytes));
  }
}
