/**
 * Quick aggregations from the terminal:
 *   logship top FIELD [QUERY] [--size N]   most frequent values of FIELD
 *   logship count [QUERY]                  how many events match
 * Both take --server, --from, --to, --token, --ca-file, --cert-file,
 * --key-file, --timeout and --json like `logship search`, and say a day
 * left out of the answer on stderr as it does (answer-warnings.ts).
 */
import { parseArgs } from 'node:util';
import { argsErrorMessage } from './args-error.js';
import { joinDashValues } from './join-dash-values.js';
import { OUTPUT_FLAG, wantsJson } from './output-flag.js';
import { explainNoValues } from './explain-empty.js';
import { AnswerWarnings } from './answer-warnings.js';
import { CliError, EXIT, getJson } from './client.js';
import { TLS_FLAG_OPTIONS, clientOptions } from './client-options.js';
import { TIMEOUT_FLAG_OPTIONS } from './timeout-flag.js';
import { printable } from './format-event.js';
import { setTimeParams } from './time-params.js';
import { wholeNumberFlag, wholeNumberRefusal } from './whole-number-flag.js';

/** The flags every query client command takes (search's own set, less what only search means). */
export const COMMON = {
  server: { type: 'string' },
  // Default: the query's own @timestamp range, else now-1h (time-params.ts).
  from: { type: 'string' },
  to: { type: 'string' },
  token: { type: 'string' },
  ...TLS_FLAG_OPTIONS,
  ...TIMEOUT_FLAG_OPTIONS,
  json: { type: 'boolean', default: false },
  ...OUTPUT_FLAG,
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export const TOP_USAGE = `usage: logship top FIELD [QUERY] [--size N] [--from now-1h] [--to now] [--server URL] [--token TOKEN] [--ca-file FILE] [--cert-file FILE --key-file FILE] [--timeout DURATION] [--json | --output json]`;
export const COUNT_USAGE = `usage: logship count [QUERY] [--from now-1h] [--to now] [--server URL] [--token TOKEN] [--ca-file FILE] [--cert-file FILE --key-file FILE] [--timeout DURATION] [--json | --output json]`;

interface TermsAnswer {
  buckets: { key: string; count: number }[];
  other_count: number;
  missing_count: number;
  range?: { from: string; to: string };
}

/** Writes why an answer holds nothing to stderr (explain-empty.ts), as `logship search` does. */
export async function explainNothing(client: ReturnType<typeof clientOptions>, q: string, field: string | null, range: TermsAnswer['range']): Promise<void> {
  for (const line of await explainNoValues(client, q, field, range)) process.stderr.write(`${line}\n`);
}

/** Runs a client command: a CliError is printed and becomes its exit code. */
export async function guarded(fn: () => Promise<number>): Promise<number> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof CliError) {
      process.stderr.write(`${err.message}\n`);
      return err.exitCode;
    }
    throw err;
  }
}

const TOP_OPTIONS = { ...COMMON, size: { type: 'string', default: '10' } } as const;

export async function runTopCli(argv: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  let parsed;
  const args = joinDashValues(argv, TOP_OPTIONS);
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: TOP_OPTIONS });
  } catch (err) {
    process.stderr.write(`${argsErrorMessage(err, args, TOP_OPTIONS)}\n${TOP_USAGE}\n`);
    return EXIT.USAGE;
  }
  const { values, positionals } = parsed;
  if (values.help) { out.write(`${TOP_USAGE}\n`); return EXIT.OK; }
  const [field, ...rest] = positionals;
  if (!field) { process.stderr.write(`${TOP_USAGE}\n`); return EXIT.USAGE; }
  if (wholeNumberFlag(values.size) === null) { process.stderr.write(`${wholeNumberRefusal('--size', values.size)}\n`); return EXIT.USAGE; }
  return guarded(async () => {
    const json = wantsJson(values);
    const client = clientOptions(values);
    const params = new URLSearchParams({ type: 'terms', field, size: values.size, q: rest.join(' ') });
    setTimeParams(params, rest.join(' '), values.from, values.to);
    const warnings = new AnswerWarnings();
    const ans = await getJson<TermsAnswer>(client, '/api/v1/aggregate', params).then(warnings.note);
    if (json) {
      out.write(`${JSON.stringify(ans)}\n`);
    } else {
      const width = Math.max(5, ...ans.buckets.map((b) => String(b.count).length));
      for (const b of ans.buckets) out.write(`${String(b.count).padStart(width)}  ${printable(b.key)}\n`);
      if (ans.other_count > 0) out.write(`${String(ans.other_count).padStart(width)}  (other)\n`);
      if (ans.missing_count > 0) out.write(`${String(ans.missing_count).padStart(width)}  (no ${printable(field)})\n`);
    }
    if (ans.buckets.length === 0) await explainNothing(client, rest.join(' '), field, ans.range);
    warnings.print();
    return ans.buckets.length > 0 ? EXIT.OK : EXIT.NO_MATCH;
  });
}

export async function runCountCli(argv: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  let parsed;
  const args = joinDashValues(argv, COMMON);
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: COMMON });
  } catch (err) {
    process.stderr.write(`${argsErrorMessage(err, args, COMMON)}\n${COUNT_USAGE}\n`);
    return EXIT.USAGE;
  }
  const { values, positionals } = parsed;
  if (values.help) { out.write(`${COUNT_USAGE}\n`); return EXIT.OK; }
  return guarded(async () => {
    const json = wantsJson(values);
    const client = clientOptions(values);
    const params = new URLSearchParams({ q: positionals.join(' '), limit: '1' });
    setTimeParams(params, positionals.join(' '), values.from, values.to);
    const warnings = new AnswerWarnings();
    const ans = await getJson<{ total: { value: number; relation: string }; range?: { from: string; to: string } }>(client, '/api/v1/search', params).then(warnings.note);
    let total = ans.total;
    if (total.relation === 'gte' && ans.range) {
      // A search stops counting at 10,000; the histogram of the same query
      // over the same range counts every event (the search page's total).
      const hist = new URLSearchParams({ type: 'date_histogram', interval: 'auto', q: params.get('q') ?? '', from: ans.range.from, to: ans.range.to });
      const h = await getJson<{ buckets: { count: number }[] }>(client, '/api/v1/aggregate', hist).then(warnings.note);
      total = { value: h.buckets.reduce((sum, b) => sum + b.count, 0), relation: 'eq' };
    }
    out.write(json ? `${JSON.stringify(total)}\n` : `${total.relation === 'gte' ? '≥' : ''}${total.value}\n`);
    if (total.value === 0) await explainNothing(client, positionals.join(' '), null, ans.range);
    warnings.print();
    return total.value > 0 ? EXIT.OK : EXIT.NO_MATCH;
  });
}
