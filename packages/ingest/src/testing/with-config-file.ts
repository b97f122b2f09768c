/** Runs `fn` with the path of a config file holding `yaml`, in a folder removed afterwards (config tests). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function withFile(yaml: string, fn: (file: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'logship-config-'));
  try {
    const file = join(dir, 'logship.yaml');
    writeFileSync(file, yaml);
    fn(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
