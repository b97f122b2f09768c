import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * The `logship` command as the CLI's end-to-end tests run it: the built bin
 * in a child process (dist/testing/ → packages/ingest/bin/logship.js), so
 * exit codes, stdout and stderr are what an operator's shell sees.
 */
export const LOGSHIP_BIN = fileURLToPath(new URL('../../bin/logship.js', import.meta.url));

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `logship ARGS` to its end (a check, a CLI command, a refused start). */
export function runLogship(args: string[]): Promise<Finished> {
  return new Promise((resolve) => {
    execFile(process.execPath, [LOGSHIP_BIN, ...args], (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}

/**
 * Runs `logship serve ARGS` until it exits or says it is listening, then
 * stops it (SIGTERM): what a start printed, whether it got that far or
 * not. A start that neither listens nor exits within `ms` is stopped too.
 */
export function startThenStop(args: string[], ms = 30_000): Promise<Finished> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [LOGSHIP_BIN, 'serve', ...args], { timeout: ms, killSignal: 'SIGTERM' }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('logship listening on')) child.kill('SIGTERM');
    });
  });
}

export interface Running {
  proc: ChildProcess;
  /** Lines printed so far, as they come. */
  stdout: string[];
  stderr: string[];
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `logship ARGS` and collects its output line by line while it runs. */
export function spawnLogship(args: string[]): Running {
  const proc = spawn(process.execPath, [LOGSHIP_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout: string[] = [];
  const stderr: string[] = [];
  createInterface({ input: proc.stdout! }).on('line', (l) => stdout.push(l));
  createInterface({ input: proc.stderr! }).on('line', (l) => stderr.push(l));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { proc, stdout, stderr, exit };
}

export interface Serving extends Running {
  /** The address it printed (`logship listening on URL`). */
  url: string;
}

/** Starts `logship serve ARGS` and resolves once it printed its address; rejects if it exits first. */
export function serveLogship(args: string[]): Promise<Serving> {
  const r = spawnLogship(['serve', ...args]);
  return new Promise((resolve, reject) => {
    createInterface({ input: r.proc.stdout! }).on('line', (line) => {
      const m = /^logship listening on (http:\/\/\S+)$/.exec(line);
      if (m) resolve({ ...r, url: m[1]! });
    });
    void r.exit.then(({ code }) => reject(new Error(`logship serve exited ${code} before listening: ${r.stderr.join('\n')}`)));
  });
}
