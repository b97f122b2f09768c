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
  /** When the states were saved (epoch ms): the start of a downtime, for pending alerts. Absent in files of earlier versions. */
  saved_at?: number;
}

export interface SavedDocument {
  rules: SavedStates;
  savedAt: number | null;
}

export class StateFile {
  readonly path: string;
  private writing: Promise<void> = Promise.resolve();

  constructor(dataDir: string) {
    this.path = join(dataDir, 'rules', 'alert-state.json');
  }

  async read(): Promise<SavedDocument> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { rules: {}, savedAt: null };
      throw err;
    }
    const doc = JSON.parse(text) as StateDocument;
    if (doc.version !== 1 || typeof doc.rules !== 'object') return { rules: {}, savedAt: null };
    return { rules: doc.rules, savedAt: typeof doc.saved_at === 'number' ? doc.saved_at : null };
  }

  /** Writes are chained so two evaluations finishing together never interleave their renames. */
  write(states: SavedStates, savedAt: number): Promise<void> {
    const body = JSON.stringify({ version: 1, rules: states, saved_at: savedAt } satisfies StateDocument);
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
