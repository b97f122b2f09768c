import { pino } from 'pino';

type Destination = ReturnType<typeof pino.destination>;

/**
 * Where the server's log lines go: standard output, written asynchronously
 * as pino does by default, except that a closed standard output never keeps
 * the process alive. pino flushes its buffer at exit with a loop that sleeps
 * 100 ms and tries again on any error; on EPIPE (the reader of a pipe or
 * socket went away: a supervisor restarted, `logship serve | tee` killed) it
 * tried forever, so the exit that `exitWhenReaderCloses` (cli-io.ts) makes
 * then never finished: the server answered nothing and held the data
 * folder's lock, and no new server could start on it. Prepended, this runs
 * before that listener's exit: there is no one left to read the lines.
 */
export function serverLogDestination(stdout: NodeJS.WritableStream = process.stdout): Destination {
  const destination = pino.destination({ dest: 1, sync: false });
  const giveUp = (err: NodeJS.ErrnoException): void => {
    if (err.code !== 'EPIPE') return;
    destination.flushSync = () => {};
    destination.write = () => true;
  };
  // An EPIPE of pino's own write is handled by pino (it stops writing);
  // this is the case where the process's other writer met it first.
  stdout.prependListener('error', giveUp);
  return destination;
}
