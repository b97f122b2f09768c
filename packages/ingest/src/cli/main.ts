import { LogshipError } from '../errors/define-error.js';
import { ConfigMistakes } from '../errors/config-mistakes.js';
import { LOGSHIP_VERSION } from '../version.js';
import { processIo, type CliIo } from './cli-io.js';
import { RETENTION_USAGE, RULES_USAGE, SERVE_USAGE, STORE_USAGE } from './command-usage.js';
import { COUNT_USAGE, SEARCH_USAGE, STATS_USAGE, TOP_USAGE } from '@logship/query';

const stripUsage = (u: string): string => u.replace(/^usage:\s*/, '').split('\n')[0]!;
const USAGE = `usage:
  ${SERVE_USAGE}
  ${stripUsage(SEARCH_USAGE)}
  ${stripUsage(TOP_USAGE)}
  ${stripUsage(COUNT_USAGE)}
  ${stripUsage(STATS_USAGE)}
  ${RETENTION_USAGE}
  ${RULES_USAGE}
  ${STORE_USAGE}
  logship --version
`;

/**
 * Commands of the tools people come from (logcli, vlogscli, tail) and what
 * does it here: `logship tail` was only "unknown command" and the usage.
 */
const PEER_COMMANDS: Record<string, string> = {
  tail: "logship search QUERY --follow (-f) prints the matching events, then streams new ones",
  query: "logship search QUERY (logcli's query; --follow for its --tail)",
  logs: 'logship search QUERY',
  grep: 'logship search QUERY',
  series: 'logship top FIELD [QUERY] (the values of a field)',
  labels: 'logship top FIELD [QUERY] (the values of a field); the field names are GET /api/v1/fields',
  hits: 'logship count [QUERY]',
};

/** The `logship` command (bin/logship.js). Resolves the exit code. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      // Each command's modules are loaded when it is the one given: the
      // server's (fastify, the stores, ajv's schemas) took ~0.5 s of every
      // `logship search` and `logship --version`.
      case 'serve':
        return await (await import('./serve-command.js')).serveCommand(rest, io);
      case 'search':
      case 'top':
      case 'count':
      case 'stats':
        return await (await import('./search-command.js')).queryCommands[command]!(rest, io.stdout);
      case 'retention':
        return await (await import('./retention-command.js')).retentionCommand(rest, io);
      case 'store':
        return await (await import('./store-command.js')).storeCommand(rest, io);
      case 'rules':
        return await (await import('./rules-command.js')).rulesCommand(rest, io);
      // What an operator asks first on a host (as logship-agent --version answers).
      case '--version':
      case '-V':
      case 'version':
        io.stdout.write(`logship ${LOGSHIP_VERSION}\n`);
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout.write(USAGE);
        return command === undefined ? 2 : 0;
      default: {
        const peer = Object.hasOwn(PEER_COMMANDS, command) ? `: ${PEER_COMMANDS[command]}` : '';
        io.stderr.write(`logship: unknown command "${command}"${peer}\n${USAGE}`);
        return 2;
      }
    }
  } catch (err) {
    // Every room's errors carry an LS_* code; print those as one line, not a stack.
    const code = (err as { code?: unknown }).code;
    if (err instanceof ConfigMistakes) {
      // Every mistake of the config, a line each with its own code.
      for (const m of [err.first, ...err.more]) io.stderr.write(`logship: ${m.message} (${m.code})\n`);
      return 1;
    }
    if (err instanceof Error && typeof code === 'string' && code.startsWith('LS_')) {
      io.stderr.write(`logship: ${err.message} (${code})\n`);
      return err instanceof LogshipError && code === 'LS_CLI_USAGE' ? 2 : 1;
    }
    throw err;
  }
}
