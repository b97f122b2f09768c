export { runSearchCli, SEARCH_USAGE } from './cli/search.js';
export { runTopCli, runCountCli, TOP_USAGE, COUNT_USAGE } from './cli/aggregate-cli.js';
export { runStatsCli, STATS_USAGE } from './cli/stats-cli.js';
export { EXIT, CliError } from './cli/client.js';
export { DEFAULT_TIMEOUT_MS, formatDuration, parseTimeout, timeoutRefusal } from './cli/timeout-flag.js';
