/**
 * What `logship retention status` and `GET /api/v1/retention` show: each
 * retention class with its partitions (SQLite files or Elasticsearch
 * indices), events, bytes and oldest event. One builder, so the command
 * and the route say the same.
 */
import type { PartitionInfo, RetentionInForce } from '../store/log-store.js';
import { DEFAULT_CLASS, type RetentionConfig } from './retention-config.js';

/** A partition as reported: its oldest event as ISO time, as its class's is (the store's PartitionInfo has epoch ms). */
export type PartitionReport = Omit<PartitionInfo, 'oldest'> & { oldest: string | null };

export interface ClassReport {
  name: string;
  days: number;
  match: string;
  bytes: number;
  events: number;
  oldest: string | null;
  partitions: PartitionReport[];
}

export interface RetentionReport {
  /**
   * Where the classes' days and queries come from: the config, or (a shared
   * Elasticsearch prefix) the policy held in the cluster, which rules every
   * server of the prefix and may differ from this server's config.
   */
  policy: { from: 'config' | 'cluster'; detail: string };
  classes: ClassReport[];
}

/** `inForce`: what the store says it applies (RetentionInForce); absent, the config is. */
export function retentionReport(config: RetentionConfig, partitions: readonly PartitionInfo[], inForce?: RetentionInForce): RetentionReport {
  const retention = inForce ?? config;
  const classes = [
    ...retention.classes.map((c) => ({ name: c.name, days: c.days, match: c.match })),
    { name: DEFAULT_CLASS, days: retention.default_days, match: '*' },
  ];
  // Partitions of classes no longer configured still exist on disk: show them too.
  for (const p of partitions) {
    if (!classes.some((c) => c.name === p.class)) classes.push({ name: p.class, days: retention.default_days, match: '(no longer configured)' });
  }
  return {
    policy: inForce ? { from: inForce.from, detail: inForce.detail } : { from: 'config', detail: "this server's config" },
    classes: classes.map((c) => {
      const own = partitions.filter((p) => p.class === c.name).sort((a, b) => a.day.localeCompare(b.day));
      const oldest = own.reduce<number | null>((m, p) => (p.oldest !== null && (m === null || p.oldest < m) ? p.oldest : m), null);
      return {
        ...c,
        bytes: own.reduce((s, p) => s + p.bytes, 0),
        events: own.reduce((s, p) => s + p.events, 0),
        oldest: oldest === null ? null : new Date(oldest).toISOString(),
        partitions: own.map((p) => ({ ...p, oldest: p.oldest === null ? null : new Date(p.oldest).toISOString() })),
      };
    }),
  };
}
