/**
 * The retention policy a server enforces, recorded in its data folder at
 * each start (`<data>/retention.json`), so that `logship retention
 * status|run --data DIR` without `--config` applies the server's policy.
 * Without it they applied the defaults (errors 90 days, the rest 30): a
 * server configured to keep errors a year had them deleted by a
 * `retention run --data` its operator meant as "now, what the server does".
 * Written temp file → fsync → rename → fsync of the folder, as the alert
 * states are. The temp file's name is the process's own: a root-owned
 * leftover of a run killed mid-write must not stop the service user's start.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { dataDirAdvice } from '../store/data-dir-advice.js';
import { storeError } from '../store/store-error.js';
import { syncPath } from '../store/sync-path.js';
import type { RetentionConfig } from './retention-config.js';

export const RECORDED_RETENTION_FILE = 'retention.json';

export interface RecordedRetention {
  retention: RetentionConfig;
  /** The config file the server read (absolute), or null when it ran on flags and defaults. */
  config: string | null;
  /** When the server started with it (ISO). */
  recorded_at: string;
}

export function recordRetention(dataDir: string, retention: RetentionConfig, config: string | null, at: number): void {
  const doc: RecordedRetention & { version: 1 } = { version: 1, retention, config, recorded_at: new Date(at).toISOString() };
  const path = join(dataDir, RECORDED_RETENTION_FILE);
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    const fd = openSync(tmp, 'w', 0o640);
    try {
      writeSync(fd, `${JSON.stringify(doc, null, 2)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
    syncPath(dataDir);
  } catch (err) {
    throw storeError('LS_STORE_DATA_DIR', `cannot write ${path}: ${(err as Error).message}${dataDirAdvice(err)}`, err);
  }
}

/**
 * The recorded policy, or null when none was recorded (a folder no server
 * of this version has started on). A file that is there but cannot be read
 * (another user's, mode 0640) or is not one this writes (cut short, edited)
 * is LS_STORE_DATA_DIR naming it: read as "none", `retention status` showed
 * the defaults as "no policy recorded by a server" and `retention run` said
 * no server had started on the folder, both untrue.
 */
export function readRecordedRetention(dataDir: string): RecordedRetention | null {
  const path = join(dataDir, RECORDED_RETENTION_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') return null;
    throw storeError('LS_STORE_DATA_DIR', `cannot read ${path}, the retention policy the server recorded at its start: ${(err as Error).message}; run this as the user the server runs as, or give the server's config, --config FILE`, err);
  }
  const doc = parseJson(text) as (Partial<RecordedRetention> & { version?: unknown }) | null;
  const r = doc?.retention;
  if (!doc || doc.version !== 1 || !r || typeof r.default_days !== 'number' || !Array.isArray(r.classes)) {
    throw storeError('LS_STORE_DATA_DIR', `${path} is not a retention policy recorded by a server of this version (version 1: retention's default_days and classes): give the server's config, --config FILE, or start the server once, which writes it anew`);
  }
  return { retention: r, config: typeof doc.config === 'string' ? doc.config : null, recorded_at: String(doc.recorded_at) };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
