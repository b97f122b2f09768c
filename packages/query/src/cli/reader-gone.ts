/**
 * Tells a command that prints only when something happens (`search
 * --follow`) that the reader of its standard output has gone, without a
 * write: `logship search --follow | head -3` kept running after head
 * exited, until the next matching event's write met EPIPE, which on a
 * quiet query could be hours.
 *
 * A pipe whose reader has exited shows it only to poll(2) (POLLERR on the
 * write end) or to a write (EPIPE). Node has neither for an idle output: a
 * zero-byte write succeeds on a broken pipe (Linux returns before checking
 * for readers), process.stdout cannot be read from to get libuv to poll it
 * (ENOTCONN on a write-only pipe), and opening /proc/self/fd/1 with
 * O_NONBLOCK reports a missing reader (ENXIO) for named FIFOs only. GNU
 * tail does the poll: `tail -f` exits by SIGPIPE as soon as the reader of
 * its output pipe is gone (coreutils 8.28 on). So a `tail -f /dev/null`
 * that shares our standard output and prints nothing watches it for us,
 *
 *   logship ──fd 1──┐
 *                   ├──► pipe ──► head
 *   tail -f ──fd 1──┘   (tail's poll sees head exit: tail dies of SIGPIPE ──► onGone)
 *
 * and `--pid` ends it when we end, however we end. Where tail is missing,
 * or is not GNU's (it exits at once without SIGPIPE, or never), the write
 * still tells, as before.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fstatSync } from 'node:fs';

export interface ReaderWatch {
  /** Ends the watch (the watcher process too). */
  stop(): void;
}

/**
 * Calls `onGone` once when the reader of `out` closes it. Only for this
 * process's standard output when it is a pipe or FIFO: a file or a
 * terminal has no reader to lose, and a test's stream says so itself.
 */
export function watchReaderGone(out: NodeJS.WritableStream, onGone: () => void): ReaderWatch {
  if (out !== process.stdout || process.platform === 'win32' || !isPipe(1)) return { stop: () => {} };
  let watcher: ChildProcess;
  try {
    watcher = spawn('tail', ['-f', `--pid=${process.pid}`, '/dev/null'], { stdio: ['ignore', 1, 'ignore'] });
  } catch {
    return { stop: () => {} };
  }
  let stopped = false;
  // No tail on PATH: ENOENT here, and nothing is watched.
  watcher.on('error', () => {});
  watcher.on('exit', (_code, signal) => {
    if (!stopped && signal === 'SIGPIPE') onGone();
  });
  // The watch never keeps the command alive; it ends with it (`--pid`, and this).
  watcher.unref();
  const kill = () => watcher.kill();
  process.once('exit', kill);
  return {
    stop() {
      stopped = true;
      process.off('exit', kill);
      watcher.kill();
    },
  };
}

function isPipe(fd: number): boolean {
  try {
    return fstatSync(fd).isFIFO();
  } catch {
    return false;
  }
}
