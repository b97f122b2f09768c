/**
 * How long a `logship` command takes when it does nothing but answer:
 * `--version`, and `search --help` (what every `logship search` pays before
 * its request). Each is run as a whole process; the median, min and max of
 * the wall times, ms. Given more checkouts, their runs alternate, so one run
 * compares them.
 *
 *   node bench/cli-start.bench.mjs [--runs 11] [ROOT ...]
 *
 * ROOT: a built checkout (`tsc -b` done); default this one. Also picked up
 * by bench/run.mjs (exports `run`).
 */
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const COMMANDS = [['--version'], ['search', '--help']];

export async function run({ root, quick = false, runs = 11, roots = [root] }) {
  const n = quick ? 3 : runs;
  const times = new Map();
  // Round 0 warms the file cache and is not counted.
  for (let r = 0; r <= n; r++) {
    for (const dir of roots) {
      for (const cmd of COMMANDS) {
        const t = performance.now();
        execFileSync(process.execPath, [join(dir, 'packages/ingest/bin/logship.js'), ...cmd], { stdio: 'ignore' });
        const ms = performance.now() - t;
        if (r === 0) continue;
        const key = `${dir}\t${cmd.join(' ')}`;
        times.set(key, [...(times.get(key) ?? []), ms]);
      }
    }
  }
  const rows = [...times].map(([key, list]) => {
    const [dir, cmd] = key.split('\t');
    const sorted = [...list].sort((a, b) => a - b);
    return {
      ...(roots.length > 1 ? { checkout: dir } : {}),
      command: `logship ${cmd}`,
      'median ms': Math.round(sorted[Math.floor(sorted.length / 2)]),
      'min ms': Math.round(sorted[0]),
      'max ms': Math.round(sorted.at(-1)),
    };
  });
  return {
    command: 'node bench/cli-start.bench.mjs [--runs 11] [ROOT ...]',
    description: `A logship command that only answers, as a whole process (node ${process.version}), ${n} runs each after one not counted.`,
    rows,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  let runs = 11;
  const roots = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--runs') runs = Number(args[++i]);
    else roots.push(resolve(args[i]));
  }
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a whole number');
  const here = resolve(fileURLToPath(new URL('..', import.meta.url)));
  const result = await run({ root: here, runs, roots: roots.length > 0 ? roots : [here] });
  console.log(result.description);
  for (const r of result.rows) console.log(JSON.stringify(r));
}
