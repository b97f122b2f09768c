import { readFileSync } from 'node:fs';
import { parseConfigYaml } from './config-yaml.js';
import { envReferences } from './interpolate-env.js';

/**
 * The `${NAME}` references under `auth` in the config file (empty when it
 * does not read). SIGHUP re-reads the file with the process's environment,
 * which nothing outside can change once the process runs: a token rotated
 * in systemd's EnvironmentFile is not seen until a restart, and the SIGHUP
 * log says so rather than "no change".
 */
export function authEnvReferences(file: string): { path: string; name: string }[] {
  try {
    const doc = parseConfigYaml(file, readFileSync(file, 'utf8')).value as { auth?: unknown } | null;
    return doc && typeof doc === 'object' ? envReferences(doc.auth, 'auth') : [];
  } catch {
    return [];
  }
}
