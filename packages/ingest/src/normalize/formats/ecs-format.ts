import { levelFromText } from '../level-from.js';
import type { FlatRecord } from '../flatten-fields.js';
import { takeLevel, takeString, takeTime, type Canonical, type FormatMapper, type MapContext, UTC_CONTEXT } from './format-mapper.js';

/**
 * Elastic Common Schema: `@timestamp`, `log.level`, `message`, `log.logger`,
 * `host.name`, `ecs.version`; `log.file.path` (Filebeat's and Elastic
 * Agent's file) is `source`, as the agent's file path is, so a search by
 * source and the lines around an event stay within that file.
 */
export const ecsFormat: FormatMapper = {
  name: 'ecs',
  detect: (f) => '@timestamp' in f && ('log.level' in f || 'ecs.version' in f),
  map(f: FlatRecord, ctx: MapContext = UTC_CONTEXT): Canonical {
    return {
      time: takeTime(f, ctx, '@timestamp'),
      level: takeLevel(f, (v) => (typeof v === 'string' ? levelFromText(v) : undefined), 'log.level'),
      message: takeString(f, 'message'),
      logger: takeString(f, 'log.logger'),
      host: takeString(f, 'host.name', 'host.hostname'),
      source: takeString(f, 'log.file.path'),
    };
  },
};
