import { LogshipError } from '../server/errors.js';
import { processIo, type CliIo } from './cli-io.js';
import { RETENTION_USAGE, retentionCommand } from './retention-command.js';
import { searchCommand } from './search-command.js';
import { SERVE_USAGE, serveCommand } from './serve-command.js';

const USAGE = `usage:
  ${SERVE_USAGE}
  logship search QUERY [--server URL] [--from now-1h] [--to now] [--limit N] [--json] [--follow]
  ${RETENTION_USAGE}
`;

/** The `logship` command (bin/logship.js). Resolves the exit code. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve':
        return await serveCommand(rest, io);
      case 'search':
        return await searchCommand(rest);
      case 'retention':
        return await retentionCommand(rest, io);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout.write(USAGE);
        return command === undefined ? 2 : 0;
      default:
        io.stderr.write(`logship: unknown command "${command}"\n${USAGE}`);
        return 2;
    }
  } catch (err) {
    // Every room's errors carry an LS_* code; print those as one line, not a stack.
    const code = (err as { code?: unknown }).code;
    if (err instanceof Error && typeof code === 'string' && code.startsWith('LS_')) {
      io.stderr.write(`logship: ${err.message} (${code})\n`);
      return err instanceof LogshipError && code === 'LS_CLI_USAGE' ? 2 : 1;
    }
    throw err;
  }
}
