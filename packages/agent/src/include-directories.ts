import { statSync } from 'node:fs';

const GLOB_CHARS = /[*?[{]/;

/**
 * The includes that name an existing directory (`/var/log/myapp`): an
 * include matches files, so such a source reads nothing, and it said only
 * `files: 0`. Users of Fluent Bit's `Path` and Filebeat's `paths` write a
 * directory by mistake; the agent and `--check` say what to write instead.
 */
export function directoryIncludes(include: readonly string[]): string[] {
  return include.filter((p) => {
    if (GLOB_CHARS.test(p)) return false;
    try {
      return statSync(p).isDirectory();
    } catch {
      return false;
    }
  });
}

/** The advice for an include that names a directory. */
export function directoryAdvice(dir: string): string {
  return `${dir} is a directory, which an include does not read: write ${dir.replace(/\/+$/, '')}/*.log (or /* for every file, /**/*.log for subdirectories too)`;
}
