/**
 * The retention policy of a shared index prefix, held in the cluster: the
 * servers of a fleet that share one prefix must delete and hide the same
 * events, so the policy in force is the one the first server wrote there
 * (first writer wins, as Filebeat's ILM policy), not each server's own
 * config. `store.retention_overwrite: true` replaces it.
 *
 * Where: one document, `<prefix>-meta/_doc/retention`. Not the index
 * template's `_meta`: every server puts the template at start (mapping
 * upgrades), templates have no create-only write that also lets the rest of
 * the template be updated, and a read-modify-write of it races. A document
 * has `op_type: create`, which fails with 409 when another server won, and it
 * needs only the privileges the store already documents on `<prefix>-*`
 * (`create_index`, `create_doc`, `read`); replacing it (retention_overwrite)
 * needs `index` on `<prefix>-meta` too. The name has no `-YYYY.MM.DD`, so it
 * is never taken for a daily index (parseIndexName) and no day pattern of a
 * search reaches it. The index matches the template (`<prefix>-*`, mapping
 * `dynamic: strict`): the policy travels inside `@event`, which that mapping
 * keeps unparsed (`enabled: false`), so no mapping of its own is needed.
 */
import { hostname } from 'node:os';
import { errors, type Client } from '@elastic/elasticsearch';
import type { RetentionClassConfig, RetentionConfig } from '../retention/retention-config.js';
import { SOURCE_FIELD } from './event-document.js';
import { asStoreFailure } from './transport-error.js';

export const POLICY_DOC_ID = 'retention';

export function policyIndex(prefix: string): string {
  return `${prefix}-meta`;
}

/** The policy as stored: what decides classification and age (check_interval_s stays each server's own). */
export interface ClusterPolicy {
  default_days: number;
  classes: RetentionClassConfig[];
  /** Host and process that wrote it, and when (ISO): for the warning and the status. */
  written_by: string;
  written_at: string;
}

function isNotFound(err: unknown): boolean {
  return err instanceof errors.ResponseError && err.statusCode === 404;
}

function isConflict(err: unknown): boolean {
  return err instanceof errors.ResponseError && err.statusCode === 409;
}

function body(retention: RetentionConfig, now: number): Record<string, unknown> {
  const policy: ClusterPolicy = {
    default_days: retention.default_days,
    classes: retention.classes.map((c) => ({ name: c.name, match: c.match, days: c.days })),
    written_by: `${hostname()} pid ${process.pid}`,
    written_at: new Date(now).toISOString(),
  };
  return { [SOURCE_FIELD]: policy };
}

/** The prefix's policy as stored (unchecked: the caller validates it), or null when there is none. */
export async function readClusterPolicy(client: Client, prefix: string): Promise<unknown> {
  try {
    // A get is realtime: a policy just written by another server is seen without a refresh.
    const doc = await client.get<Record<string, unknown>>({ index: policyIndex(prefix), id: POLICY_DOC_ID });
    return doc._source?.[SOURCE_FIELD] ?? null;
  } catch (err) {
    if (isNotFound(err)) return null;
    throw asStoreFailure(err);
  }
}

/** Writes the policy unless one exists; true when this call wrote it. */
export async function createClusterPolicy(client: Client, prefix: string, retention: RetentionConfig, now: number): Promise<boolean> {
  try {
    await client.index({ index: policyIndex(prefix), id: POLICY_DOC_ID, op_type: 'create', document: body(retention, now) });
    return true;
  } catch (err) {
    if (isConflict(err)) return false;
    throw asStoreFailure(err);
  }
}

/** Replaces the policy (retention_overwrite). */
export async function overwriteClusterPolicy(client: Client, prefix: string, retention: RetentionConfig, now: number): Promise<void> {
  try {
    await client.index({ index: policyIndex(prefix), id: POLICY_DOC_ID, document: body(retention, now) });
  } catch (err) {
    throw asStoreFailure(err);
  }
}


/** `errors 90 d (level:error), debug 7 d (level:debug), other 30 d`: for warnings and the status. */
export function describePolicy(p: Pick<RetentionConfig, 'default_days' | 'classes'>): string {
  return p.classes.map((c) => `${c.name} ${c.days} d (${c.match})`).concat(`other ${p.default_days} d`).join(', ');
}
