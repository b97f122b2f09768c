import type { Stats } from 'node:fs';
import chokidar, { type FSWatcher } from 'chokidar';
import { globBase, globDepth, type PathMatcher } from './glob.js';

/** A running watcher, the files its initial scan found, and what it watches (base directory, depth). */
export interface WatchedFiles {
  readonly watcher: FSWatcher;
  readonly initial: string[];
  readonly bases: Array<[string, number | undefined]>;
}

/**
 * Watches the fixed base directories of the include globs (chokidar 4 no
 * longer expands globs): one watcher for all patterns, as deep as the
 * deepest one needs; files the matcher rejects are ignored. Resolves once
 * the initial scan is done, with the files it found: files present at start
 * honour start_position, while files that appear later are new (a rotation)
 * and are read from their beginning, so until the watcher is ready its
 * events are only collected; after it, they go straight to `onChange`.
 */
export async function watchFiles(
  include: readonly string[], matcher: PathMatcher, onChange: (path: string) => void, onError: (err: unknown) => void,
): Promise<WatchedFiles> {
  const paths = [...new Set(include.map(globBase))];
  const depths = include.map(globDepth);
  const depth = depths.some((d) => d === undefined) ? undefined : Math.max(...depths.map((d) => d ?? 0));
  const initial: string[] = [];
  let scanning = true;
  const watcher = chokidar.watch(paths, {
    persistent: true,
    ignoreInitial: false,
    followSymlinks: true,
    ...(depth !== undefined ? { depth } : {}),
    ignored: (p: string, stats?: Stats) => stats?.isFile() === true && !matcher.matches(p),
  });
  watcher.on('add', (p) => { if (scanning) initial.push(p); else onChange(p); });
  watcher.on('change', (p) => { if (!scanning) onChange(p); });
  watcher.on('unlink', (p) => { if (!scanning) onChange(p); });
  watcher.on('error', onError);
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  scanning = false;
  return { watcher, initial, bases: paths.map((b) => [b, depth]) };
}
