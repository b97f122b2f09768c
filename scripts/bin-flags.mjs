/**
 * The node flags a bin's shebang passes (`#!/usr/bin/env -S node FLAGS`):
 * installed, `logship` and `logship-agent` run through that line; the demo
 * and the benchmarks run `node bin/….js` and pass the same flags, so they
 * run and measure what an installed server or agent does.
 */
import { readFileSync } from 'node:fs';

export function binNodeFlags(binPath) {
  const first = readFileSync(binPath, 'utf8').split('\n', 1)[0];
  const flags = /^#!\/usr\/bin\/env -S node (.*)$/.exec(first)?.[1] ?? '';
  return flags.split(' ').filter(Boolean);
}
