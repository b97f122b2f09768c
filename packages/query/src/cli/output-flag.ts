/**
 * `--output json` / `-o jsonl`: how kubectl's and Loki's logcli users ask
 * for JSON, taken as `--json`. It was refused as an unknown flag, so
 * `logship search … --output json | head` printed the usage instead of
 * events.
 */
import { CliError, EXIT } from './client.js';

export const OUTPUT_FLAG = { output: { type: 'string', short: 'o' } } as const;

export const OUTPUT_FLAG_USAGE = '  --output, -o FMT  json (also jsonl, ndjson: as --json) or text (the default)';

const JSON_NAMES = new Set(['json', 'jsonl', 'ndjson']);
const TEXT_NAMES = new Set(['text', 'default', 'table']);

/** Whether the command prints JSON: `--json`, or `--output` naming JSON. */
export function wantsJson(values: { json?: boolean | undefined; output?: string | undefined }): boolean {
  if (values.output === undefined) return values.json === true;
  const name = values.output.trim().toLowerCase();
  if (JSON_NAMES.has(name)) return true;
  if (TEXT_NAMES.has(name) && values.json !== true) return false;
  if (TEXT_NAMES.has(name)) throw new CliError(`--json and --output ${values.output} ask for two formats: give one`, EXIT.USAGE);
  throw new CliError(`--output is json (also jsonl, ndjson: one JSON value per line, as --json) or text, not "${values.output}"`, EXIT.USAGE);
}
