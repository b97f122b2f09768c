import { isDeepStrictEqual } from 'node:util';
import type { ServerConfig } from '../config/server-config.js';

/**
 * The top-level keys whose values differ between the running config and
 * the file as it reads now (`auth`, `retention`, …). SIGHUP applies `auth`,
 * the rule files and the TLS files; everything else in the file is read at
 * start, so a reload after an edit says which keys wait for a restart
 * rather than leaving an operator to believe a new retention period is in
 * force.
 */
export function changedConfigKeys(running: ServerConfig, next: ServerConfig): string[] {
  const keys = new Set([...Object.keys(running), ...Object.keys(next)]);
  return [...keys].filter((k) => !isDeepStrictEqual((running as unknown as Record<string, unknown>)[k], (next as unknown as Record<string, unknown>)[k])).sort();
}
