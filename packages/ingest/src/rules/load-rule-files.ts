import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { MistakeList } from '../errors/mistake-list.js';
import { rulesErrors as errors } from './rules-errors.js';
import { loadRuleFile, type RuleFileOptions } from './load-rule-file.js';
import type { RuleGroup } from './rule-types.js';

export interface LoadedRules {
  groups: RuleGroup[];
  /** Files read, in order. */
  files: string[];
  /** Globs that matched no file: loaded fine, but worth a warning (a silent ruler is the usual complaint). */
  emptyGlobs: string[];
}

/**
 * `rule_files` globs → every group of every file. A glob may use `*` and `?`
 * in its last path segment (`/etc/logship/rules/*.yaml`); a path without
 * wildcards must exist. Group names must be unique across files too, since
 * /api/v1/rules and the metrics name groups by name. Every mistake of
 * every file is reported at once (a path that does not exist, a file that
 * cannot be read, each file's own, a group name two files share), as
 * `promtool check rules` lists every error.
 */
export function loadRuleFiles(globs: readonly string[], opts: RuleFileOptions, cwd = process.cwd()): LoadedRules {
  const mistakes = new MistakeList();
  const files: string[] = [];
  const emptyGlobs: string[] = [];
  for (const glob of globs) {
    const matched = mistakes.check(() => expandGlob(resolve(cwd, glob)), null);
    if (matched === null) continue;
    if (matched.length === 0) emptyGlobs.push(glob);
    for (const f of matched) if (!files.includes(f)) files.push(f);
  }
  const groups: RuleGroup[] = [];
  const owner = new Map<string, string>();
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      mistakes.add(errors.rulesRead(file, (err as Error).message));
      continue;
    }
    mistakes.check(() => loadRuleFile(file, text, opts), []).forEach((g, i) => {
      const other = owner.get(g.name);
      if (other !== undefined) mistakes.add(errors.rulesInvalid(file, `groups[${i}].name`, `repeats the group name "${g.name}" of ${other}`));
      else owner.set(g.name, file);
      groups.push(g);
    });
  }
  mistakes.throwIfAny();
  return { groups, files, emptyGlobs };
}

function expandGlob(path: string): string[] {
  const name = basename(path);
  if (!/[*?]/.test(name)) {
    // A plain path must exist: a typo here would otherwise be a ruler that does nothing.
    try {
      statSync(path);
    } catch (err) {
      throw errors.rulesRead(path, (err as Error).message);
    }
    return [path];
  }
  const dir = dirname(path);
  const re = new RegExp(`^${name.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.filter((e) => re.test(e) && !e.startsWith('.')).sort().map((e) => join(dir, e));
}
