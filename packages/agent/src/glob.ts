import { promises as fsp, type Dirent } from 'node:fs';
import { dirname, join, sep } from 'node:path';

/**
 * Path globs for `include` / `exclude` (chokidar 4 no longer expands globs,
 * so the agent watches each pattern's fixed base directory and filters):
 * `*` and `?` stay within one path segment, `**` crosses segments,
 * `{a,b}` alternates and `[abc]` is a character class.
 */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  let inClass = false;
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (inClass) {
      if (ch === ']') inClass = false;
      re += ch === '\\' ? '\\\\' : ch;
      continue;
    }
    switch (ch) {
      case '*':
        if (glob[i + 1] === '*') {
          i++;
          if (glob[i + 1] === '/') {
            i++;
            re += '(?:.*/)?';
          } else re += '.*';
        } else re += '[^/]*';
        break;
      case '?': re += '[^/]'; break;
      case '[': inClass = true; re += glob[i + 1] === '!' ? (i++, '[^') : '['; break;
      case '{': braces++; re += '(?:'; break;
      case '}': if (braces > 0) { braces--; re += ')'; } else re += '\\}'; break;
      case ',': re += braces > 0 ? '|' : ','; break;
      default: re += ch.replace(/[.+^$()|\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${re}$`);
}

export function hasMagic(segment: string): boolean {
  return /[*?[{]/.test(segment);
}

/** The longest directory prefix of a glob without glob characters. */
export function globBase(glob: string): string {
  const parts = glob.split('/');
  const fixed: string[] = [];
  for (const p of parts.slice(0, -1)) {
    if (hasMagic(p)) break;
    fixed.push(p);
  }
  const base = fixed.join('/') || '/';
  return base === '' ? dirname(glob) : base;
}

/** How many directory levels below the base a glob can reach (undefined: any). */
export function globDepth(glob: string): number | undefined {
  if (glob.includes('**')) return undefined;
  const base = globBase(glob);
  const rest = glob.slice(base.length).split('/').filter(Boolean);
  return Math.max(0, rest.length - 1);
}

export class PathMatcher {
  private readonly include: RegExp[];
  private readonly excludeFull: RegExp[];
  private readonly excludeBase: RegExp[];

  constructor(
    include: readonly string[],
    exclude: readonly string[],
    /** A preset's own condition on the path (the kubelet's layout for `kubernetes`). */
    private readonly layout?: (path: string) => boolean,
  ) {
    this.include = include.map(globToRegExp);
    // An exclude without a slash applies to the file name, as in `*.gz`.
    this.excludeFull = exclude.filter((e) => e.includes('/')).map(globToRegExp);
    this.excludeBase = exclude.filter((e) => !e.includes('/')).map(globToRegExp);
  }

  matches(path: string): boolean {
    if (!this.include.some((r) => r.test(path))) return false;
    if (this.layout && !this.layout(path)) return false;
    const base = path.slice(path.lastIndexOf(sep) + 1);
    return !this.excludeFull.some((r) => r.test(path)) && !this.excludeBase.some((r) => r.test(base));
  }
}

/**
 * Every file under `dir` (down to `depth` directory levels below it, all
 * when undefined), listed now; unreadable directories are skipped.
 */
export async function walkFiles(dir: string, depth: number | undefined, visit: (path: string) => void): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await fsp.readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (depth === undefined || depth > 0) await walkFiles(p, depth === undefined ? undefined : depth - 1, visit);
    } else visit(p);
  }
}
