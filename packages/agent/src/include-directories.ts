import { opendirSync, promises as fsp, statSync } from 'node:fs';

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

/**
 * Whether the agent can list `dir`, a base directory of its includes: true,
 * false when it does not exist (yet), or the error when it exists but is
 * closed to this user (a 0700 directory of another user's, or a parent
 * without search permission). Asked by opening it, not with access(), which
 * tests the real uid without the capabilities (the unit's
 * CAP_DAC_READ_SEARCH) that let the agent read it.
 */
export async function canList(dir: string): Promise<true | false | NodeJS.ErrnoException> {
  try {
    if (!(await fsp.stat(dir)).isDirectory()) return false;
    await (await fsp.opendir(dir)).close();
    return true;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return e.code === 'EACCES' || e.code === 'EPERM' ? e : false;
  }
}

/** canList, at once (`--check`). */
export function canListNow(dir: string): true | false | NodeJS.ErrnoException {
  try {
    if (!statSync(dir).isDirectory()) return false;
    opendirSync(dir).closeSync();
    return true;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return e.code === 'EACCES' || e.code === 'EPERM' ? e : false;
  }
}
