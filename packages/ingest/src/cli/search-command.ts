import * as queryPackage from '@logship/query';
import { errors } from '../server/errors.js';

type SearchCli = (argv: string[]) => Promise<number>;

/** `logship search` is the query package's client; this only hands over. */
export async function searchCommand(argv: string[]): Promise<number> {
  const runSearchCli = (queryPackage as Record<string, unknown>).runSearchCli as SearchCli | undefined;
  if (typeof runSearchCli !== 'function') throw errors.cliSearchNotBuilt();
  return runSearchCli(argv);
}
