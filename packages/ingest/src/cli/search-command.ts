import { runCountCli, runSearchCli, runStatsCli, runTopCli } from '@logship/query';

/** `logship search|top|count|stats` are the query package's HTTP clients; this only hands over. */
export const queryCommands: Record<string, (argv: string[], out: NodeJS.WritableStream) => Promise<number>> = {
  search: runSearchCli,
  top: runTopCli,
  count: runCountCli,
  stats: runStatsCli,
};
