/** Where commands write; tests pass their own streams. */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export const processIo: CliIo = { stdout: process.stdout, stderr: process.stderr };

/**
 * The exit status of a command whose reader went away: 141, 128 + SIGPIPE,
 * what a shell reports for `seq`, `grep` or `cat` in the same place (and
 * what `set -o pipefail` treats like theirs). Not 0 or 1: 1 means nothing
 * found, and the output was cut short.
 */
export const EXIT_CLOSED_PIPE = 141;

/**
 * A reader that stops early (`logship search … | head -2`) closes the pipe.
 * Node ignores SIGPIPE, so the next write fails with EPIPE, which unhandled
 * was a stack trace and exit 1. Installed once by the bin, for every
 * command: the process exits at once and quietly, as Unix tools killed by
 * SIGPIPE do (there is no one left to tell). Other stream errors stay fatal.
 */
export function exitWhenReaderCloses(
  streams: readonly NodeJS.WritableStream[] = [process.stdout, process.stderr],
  exit: (code: number) => void = (code) => process.exit(code),
): void {
  for (const stream of streams) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') exit(EXIT_CLOSED_PIPE);
      else throw err;
    });
  }
}

/** The exit status of a command that stopped without finishing (EX_SOFTWARE, sysexits.h). */
export const EXIT_UNFINISHED = 70;

/**
 * Runs a command to its exit status. A command whose promise never
 * settles, once nothing is left to wake it (a timer that does not keep the
 * process alive, a stream nobody ends), let Node exit with 0, which a
 * script or systemd reads as done: it exits 70 and says so instead. A
 * process.exit(n) of the command's own (141 on a closed pipe, 1 from
 * serve's shutdown) is left as it is.
 */
export function runCommand(command: Promise<number | void>, stderr: NodeJS.WritableStream = process.stderr): void {
  let settled = false;
  const unfinished = (code: number): void => {
    if (settled || code !== 0) return;
    stderr.write('logship: the command stopped before it finished (nothing was left running to finish it); this is a bug, please report it\n');
    process.exitCode = EXIT_UNFINISHED;
  };
  process.once('exit', unfinished);
  command.then(
    (code) => {
      settled = true;
      if (typeof code === 'number') process.exitCode = code;
    },
    (err: unknown) => {
      settled = true;
      stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
