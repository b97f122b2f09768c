import { ecsFormat } from './ecs-format.js';
import { fluentLogFormat } from './fluent-log-format.js';
import type { FormatMapper } from './format-mapper.js';
import { genericJsonFormat } from './generic-json-format.js';
import { journaldFormat } from './journald-format.js';
import { loguruFormat } from './loguru-format.js';
import { nginxFormat } from './nginx-format.js';
import { pinoFormat } from './pino-format.js';
import { pythonJsonLoggerFormat } from './python-json-logger-format.js';

/**
 * Detection order: most specific signature first. journald's uppercase keys
 * and loguru's `record.level.name` cannot be mistaken for anything else;
 * a `log` line wrapped by Fluent Bit or docker only when nothing before
 * claims the record; generic JSON matches everything and comes last.
 */
export const ALL_FORMATS: readonly FormatMapper[] = [
  journaldFormat,
  loguruFormat,
  pinoFormat,
  ecsFormat,
  nginxFormat,
  pythonJsonLoggerFormat,
  fluentLogFormat,
  genericJsonFormat,
];
