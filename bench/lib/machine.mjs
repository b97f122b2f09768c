/** The machine and versions a benchmark ran on, for BENCHMARKS.md. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

function tryRun(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n')[0];
  } catch {
    return null;
  }
}

export function machineInfo(root) {
  const pkg = (p) => {
    try {
      return JSON.parse(readFileSync(`${root}/node_modules/.pnpm/node_modules/${p}/package.json`, 'utf8')).version;
    } catch {
      return null;
    }
  };
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memory_gib: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: tryRun('uname', ['-sr']),
    node: process.version,
    sqlite: pkg('better-sqlite3') ? `better-sqlite3 ${pkg('better-sqlite3')}` : null,
    ripgrep: tryRun('rg', ['--version']),
    git: tryRun('git', ['-C', root, 'describe', '--always', '--dirty']),
  };
}
