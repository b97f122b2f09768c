/**
 * The retention policy an Elasticsearch store applies, kept in step with
 * the prefix's policy in the cluster (cluster-retention.ts explains why and
 * where). At start: read it; none → write this server's (create-only, so of
 * two servers starting together exactly one wins and the other reads the
 * winner's); `overwrite` → replace it first. Then re-read at every
 * retention run and status, so a server follows a policy another server's
 * overwrite put there. Classification, deletion and the visibility filter
 * all use `policy`, so every server of the prefix stores, hides and
 * deletes the same events.
 */
import type { RetentionInForce } from '../store/log-store.js';
import type { RetentionPolicy } from '../retention/retention-policy.js';
import { samePolicy, validateRetentionConfig, type RetentionConfig } from '../retention/retention-config.js';
import type { Client } from '@elastic/elasticsearch';
import {
  createClusterPolicy,
  describePolicy,
  overwriteClusterPolicy,
  policyIndex,
  readClusterPolicy,
  type ClusterPolicy,
} from './cluster-retention.js';
import { whileShardStarts } from './shard-wait.js';

/**
 * `claim`: a server (write its own when the cluster has none); `overwrite`:
 * a server with store.retention_overwrite; `read`: a one-off command that
 * applies the cluster's policy but never writes one; `off`: the config only.
 */
export type ClusterPolicyMode = 'claim' | 'overwrite' | 'read' | 'off';

export type RetentionNotice = (level: 'info' | 'warn', message: string) => void;

export interface ClusterPolicyHolderOptions {
  client: Client;
  prefix: string;
  /** This server's config. */
  configured: RetentionConfig;
  compile: (retention: RetentionConfig) => RetentionPolicy;
  mode: ClusterPolicyMode;
  now: () => number;
  notice?: RetentionNotice;
}

interface InForce {
  retention: RetentionConfig;
  policy: RetentionPolicy;
  from: 'config' | 'cluster';
  detail: string;
}

export class ClusterPolicyHolder {
  private current: InForce;
  private started: Promise<void> | null = null;
  private syncing: Promise<void> | null = null;

  constructor(private readonly opts: ClusterPolicyHolderOptions) {
    this.current = {
      retention: opts.configured,
      policy: opts.compile(opts.configured),
      from: 'config',
      detail: opts.mode === 'off' ? "this server's config" : "this server's config (the cluster's policy not read yet)",
    };
  }

  get policy(): RetentionPolicy {
    return this.current.policy;
  }

  inForce(): RetentionInForce {
    const r = this.current.retention;
    return {
      default_days: r.default_days,
      classes: r.classes.map((c) => ({ name: c.name, match: c.match, days: c.days })),
      from: this.current.from,
      detail: this.current.detail,
    };
  }

  /** Resolves once the start-up sync is done; a failed one is tried again by the next caller. */
  ready(): Promise<void> {
    if (this.opts.mode === 'off') return Promise.resolve();
    this.started ??= this.sync(true).catch((err: unknown) => {
      this.started = null;
      throw err;
    });
    return this.started;
  }

  /** Reads the cluster's policy again (each retention run): another server may have replaced it. */
  async refresh(): Promise<void> {
    if (this.opts.mode === 'off') return;
    await this.ready();
    this.syncing ??= this.sync(false).finally(() => {
      this.syncing = null;
    });
    await this.syncing;
  }

  private say(level: 'info' | 'warn', message: string): void {
    try {
      this.opts.notice?.(level, message);
    } catch {
      // Logging must not fail the store.
    }
  }

  /** When the current sync stops waiting for the policy index's shard: 30 s for all of its calls together, not each. */
  private shardDeadline = 0;

  /** A call on the policy's index, waiting while its shard starts (shard-wait.ts: another server may have just created it). */
  private onIndex<T>(call: () => Promise<T>): Promise<T> {
    const index = policyIndex(this.opts.prefix);
    return whileShardStarts(call, {
      limitMs: Math.max(0, this.shardDeadline - Date.now()),
      onWait: (detail) =>
        this.say('warn', `The retention policy index ${index} has no started shard yet (${detail}); waiting up to 30 s for it (another server may have just created it).`),
    });
  }

  private async sync(atStart: boolean): Promise<void> {
    const { client, prefix, configured, mode, now } = this.opts;
    const index = policyIndex(prefix);
    this.shardDeadline = Date.now() + 30_000;
    if (atStart && mode === 'overwrite') {
      const before = await this.onIndex(() => readClusterPolicy(client, prefix));
      await this.onIndex(() => overwriteClusterPolicy(client, prefix, configured, now()));
      const was = this.parse(before);
      this.say(
        'warn',
        `store.retention_overwrite is set: replaced the retention policy of index prefix "${prefix}" (${index}) ` +
          `${was ? `(was: ${describePolicy(was)})` : '(there was none)'} with this server's: ${describePolicy(configured)}. ` +
          'Every server on this prefix applies it from its next retention run. Remove retention_overwrite once done, or each restart of this server replaces the policy again.',
      );
    }
    let raw = await this.onIndex(() => readClusterPolicy(client, prefix));
    if (raw === null && (mode === 'claim' || mode === 'overwrite')) {
      if (await this.onIndex(() => createClusterPolicy(client, prefix, configured, now()))) {
        this.say('info', `Wrote this server's retention policy to ${index}; every server on index prefix "${prefix}" applies it: ${describePolicy(configured)}.`);
      }
      // Written by this server or, when another won the race, by that one.
      raw = await this.onIndex(() => readClusterPolicy(client, prefix));
    }
    if (raw === null) {
      this.apply({ retention: configured, policy: this.opts.compile(configured), from: 'config', detail: `this server's config (no policy in ${index})` });
      return;
    }
    const stored = this.parse(raw);
    let policy: RetentionPolicy | null = null;
    if (stored) {
      try {
        policy = samePolicy(stored, this.current.retention) ? this.current.policy : this.opts.compile(stored);
      } catch {
        policy = null;
      }
    }
    if (!stored || !policy) {
      if (atStart || this.current.from === 'cluster') {
        this.say('warn', `The retention policy in ${index} cannot be used (not a valid retention section); this server applies its own config. Set store.retention_overwrite: true on one server and restart it to replace it.`);
      }
      this.apply({ retention: configured, policy: this.opts.compile(configured), from: 'config', detail: `this server's config (the policy in ${index} is invalid)` });
      return;
    }
    const doc = raw as Partial<ClusterPolicy>;
    const detail = `the cluster: ${index}, written by ${String(doc.written_by ?? 'unknown')} at ${String(doc.written_at ?? 'unknown')}`;
    const changed = this.current.from !== 'cluster' || !samePolicy(stored, this.current.retention);
    if (changed) {
      const where = `${index}, written by ${String(doc.written_by ?? 'unknown')}`;
      const lead = atStart
        ? `The retention policy of index prefix "${prefix}" in the cluster (${where}): ${describePolicy(stored)}`
        : `The retention policy of index prefix "${prefix}" in the cluster changed (${where}); this server now applies it: ${describePolicy(stored)}`;
      if (!samePolicy(stored, configured)) {
        this.say(
          'warn',
          `${lead}. It differs from this server's retention config: ${describePolicy(configured)}. This server applies the cluster's, to deletion and to what searches show, ` +
            'so that every server on the prefix agrees. To change it, set store.retention_overwrite: true on one server and restart it.',
        );
      } else if (!atStart) {
        this.say('info', `${lead}.`);
      }
    }
    this.apply({ retention: stored, policy, from: 'cluster', detail });
  }

  /** The stored policy as a retention section (this server's check interval), or null when it is not one. */
  private parse(raw: unknown): RetentionConfig | null {
    if (raw === null || typeof raw !== 'object') return null;
    const doc = raw as Partial<ClusterPolicy>;
    // Both keys, or it is not a policy (validation would fill a missing one with a default).
    if (typeof doc.default_days !== 'number' || !Array.isArray(doc.classes)) return null;
    try {
      return validateRetentionConfig({ default_days: doc.default_days, classes: doc.classes, check_interval_s: this.opts.configured.check_interval_s });
    } catch {
      return null;
    }
  }

  private apply(next: InForce): void {
    this.current = next;
  }
}
