import type { FieldValue, Level } from '@logship/query/core';
import { levelFromSyslogPriority, levelFromText } from '../level-from.js';
import type { FlatRecord } from '../flatten-fields.js';
import { takeLevel, takeString, takeTime, toNumber, type Canonical, type FormatMapper, type MapContext, UTC_CONTEXT } from './format-mapper.js';

/**
 * Elastic Common Schema: `@timestamp`, `log.level`, `message`, `log.logger`,
 * `host.name`, `ecs.version`; `log.file.path` (Filebeat's and Elastic
 * Agent's file) is `source`, as the agent's file path is, so a search by
 * source and the lines around an event stay within that file.
 *
 * Filebeat's journald and syslog inputs write no `log.level`: the level is
 * the syslog severity they do write (`log.syslog.severity.code`, its
 * `.name`, or the PRI in `log.syslog.priority`, which the journald input
 * fills with PRIORITY), read but kept, as the facility is in it; the
 * journald input's `systemd.unit` is `unit`. Without them `level:error`
 * missed every journal entry Filebeat shipped.
 */
export const ecsFormat: FormatMapper = {
  name: 'ecs',
  detect: (f) => '@timestamp' in f && ('log.level' in f || 'ecs.version' in f),
  map(f: FlatRecord, ctx: MapContext = UTC_CONTEXT): Canonical {
    return {
      time: takeTime(f, ctx, '@timestamp'),
      level: takeLevel(f, (v) => (typeof v === 'string' ? levelFromText(v) : undefined), 'log.level') ?? syslogLevel(f),
      message: takeString(f, 'message'),
      logger: takeString(f, 'log.logger'),
      host: takeString(f, 'host.name', 'host.hostname'),
      source: takeString(f, 'log.file.path'),
      unit: takeString(f, 'systemd.unit'),
    };
  },
};

function syslogLevel(f: FlatRecord): Level | undefined {
  const code = toNumber(f['log.syslog.severity.code']);
  if (code !== undefined) return levelFromSyslogPriority(code);
  const name: FieldValue | undefined = f['log.syslog.severity.name'];
  if (typeof name === 'string') {
    const level = levelFromText(name);
    if (level !== undefined) return level;
  }
  const pri = toNumber(f['log.syslog.priority']);
  return pri !== undefined && Number.isInteger(pri) && pri >= 0 && pri <= 191 ? levelFromSyslogPriority(pri % 8) : undefined;
}
