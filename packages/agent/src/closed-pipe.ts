/**
 * The exit status of `logship-agent --check | head -2` once `head` has gone:
 * 141, 128 + SIGPIPE, what a shell reports for `grep` or `cat` there (and
 * what the `logship` commands exit with).
 */
export const EXIT_CLOSED_PIPE = 141;

/**
 * Node ignores SIGPIPE, so printing to a pipe whose reader left fails with
 * EPIPE, which unhandled was a stack trace on the terminal. For the commands
 * that print and exit (--check, --help, --version): exit at once and
 * quietly, as Unix tools killed by SIGPIPE do. Other stream errors stay fatal.
 */
export function exitWhenReaderCloses(stream: NodeJS.WritableStream = process.stdout, exit: (code: number) => void = (code) => process.exit(code)): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') exit(EXIT_CLOSED_PIPE);
    else throw err;
  });
}
