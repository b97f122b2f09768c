/**
 * The ruler's alert states on disk (`<data>/rules/alert-state.json`), so a
 * restart neither re-fires a firing alert with a new start time nor forgets
 * it (Prometheus keeps the same facts in its ALERTS_FOR_STATE series).
 * Written temp file → fsync → rename, like the agent's checkpoints.
 */
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { AlertInstance } from './alert-state.js';

export type SavedStates = Record<string, AlertInstance[]>;

interface StateDocument {
  version: 1;
  rules: SavedStates;
}

export class StateFile {
  readonly path: string;
  private writing: Promise<void> = Promise.resolve();

  constructor(dataDir: string) {
    this.path = join(dataDir, 'rules', 'alert-state.json');
  }

  async read(): Promise<SavedStates> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw err;
    }
    const doc = JSON.parse(text) as StateDocument;
    return doc.version === 1 && typeof doc.rules === 'object' ? doc.rules : {};
  }

  /** Writes are chained so two evaluations finishing together never interleave their renames. */
  write(states: SavedStates): Promise<void> {
    const body = JSON.stringify({ version: 1, rules: states } satisfies StateDocument);
    this.writing = this.writing.catch(() => undefined).then(() => this.writeNow(body));
    return this.writing;
  }

  private async writeNow(body: string): Promise<void> {
    await mkdir(join(this.path, '..'), { recursive: true });
    const tmp = `${this.path}.tmp`;
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(body);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, this.path);
  }
}
