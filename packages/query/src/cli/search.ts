/**
 * `logship search QUERY [--server URL] [--from now-1h] [--to now] [--limit N]
 *                       [--sort desc|asc] [--fields a,b|*] [--json | --output json] [--follow] [--token T]
 *                       [--timeout DURATION]`
 *
 * Prints matching events readably (colored on a terminal) or as NDJSON with
 * --json. Exit codes: 0 found, 1 nothing found, 2 usage or query mistake
 * (syntax errors show a caret under the mistake), 3 the server refused or
 * failed, 4 no answer (unreachable, TLS, nothing within --timeout: cli/client-errors.ts),
 * 141 when the reader closed the pipe (the bin's exitWhenReaderCloses, in
 * packages/ingest/src/cli/cli-io.ts, at a write; with --follow, between
 * events too: reader-gone.ts).
 */
import { parseArgs } from 'node:util';
import { CliError, EXIT, getJson, type ClientOptions } from './client.js';
import { TLS_FLAG_OPTIONS, TLS_FLAG_USAGE, clientOptions } from './client-options.js';
import { TIMEOUT_FLAG_OPTIONS, TIMEOUT_FLAG_USAGE } from './timeout-flag.js';
import { argsErrorMessage } from './args-error.js';
import { joinDashValues } from './join-dash-values.js';
import { OUTPUT_FLAG, OUTPUT_FLAG_USAGE, wantsJson } from './output-flag.js';
import { explainEmpty } from './explain-empty.js';
import { AnswerWarnings } from './answer-warnings.js';
import { follow, tailPosition } from './follow.js';
import { formatEvent } from './format-event.js';
import { watchReaderGone } from './reader-gone.js';
import { wholeNumberFlag, wholeNumberRefusal } from './whole-number-flag.js';
import { setTimeParams } from './time-params.js';
import { canonicalSort } from '../http/sort-param.js';

interface SearchAnswer {
  hits: Record<string, unknown>[];
  total: { value: number; relation: 'eq' | 'gte' };
  next_cursor: string | null;
  range?: { from: string; to: string };
  /** The live feed's mark as the read began (http/commit-mark.ts). */
  commit_mark?: string;
}

export const SEARCH_USAGE = `usage: logship search QUERY [options]

  --server URL      logship server (default $LOGSHIP_URL or http://127.0.0.1:7700)
  --from EXPR       start: ISO date or date math, -1h for now-1h (default:
                    the query's own @timestamp range, else now-1h)
  --to EXPR         end (default: the query's own @timestamp range, else now)
  --limit N         at most N events (default 100)
  --sort desc|asc   newest first (default) or oldest first
  --fields LIST     extra fields to show, comma-separated, or * for all;
                    with --json, the only fields printed (and @timestamp, event.id)
  --json            one JSON event per line (for pipes)
${OUTPUT_FLAG_USAGE}
  --follow, -f      after the results, stream new matching events until Ctrl-C
  --token TOKEN     read token (default $LOGSHIP_TOKEN)
${TLS_FLAG_USAGE}
${TIMEOUT_FLAG_USAGE}

Nothing found: a line on stderr says the query and the range searched,
points out lower-case and/or/not (searched as words: operators are
upper-case), a level's name searched as free text (error: level:error)
and level values that are no level, names fields that no
event in the range has (with the nearest known name), and a free-text
value that events hold in another field (an IP, a request id: free text
searches message and the traceback fields only), with the query for it.
More found than shown: "showing N of M" on stderr.
A day of the range the server could not read (a damaged or unopenable
partition file) is left out of the results: "warning: … [CODE]" on stderr
names it, last; stdout and the exit code are the results'.

exit codes: 0 found, 1 nothing found, 2 usage or query error, 3 the server
refused or failed, 4 the server could not be reached or did not answer
within --timeout, 141 output cut short by its reader (| head)`;

const SEARCH_OPTIONS = {
    server: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    limit: { type: 'string', default: '100' },
    sort: { type: 'string', default: 'desc' },
    fields: { type: 'string' },
    json: { type: 'boolean', default: false },
    ...OUTPUT_FLAG,
    follow: { type: 'boolean', short: 'f', default: false },
    token: { type: 'string' },
    ...TLS_FLAG_OPTIONS,
    ...TIMEOUT_FLAG_OPTIONS,
    help: { type: 'boolean', short: 'h', default: false },
  } as const;

/** The most events --follow prints before it streams. */
const FOLLOW_BACKLOG = 1000;

export async function runSearchCli(argv: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  let values;
  let positionals;
  const args = joinDashValues(argv, SEARCH_OPTIONS);
  try {
    ({ values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: SEARCH_OPTIONS,
    }));
  } catch (err) {
    process.stderr.write(`${argsErrorMessage(err, args, SEARCH_OPTIONS)}\n\n${SEARCH_USAGE}\n`);
    return EXIT.USAGE;
  }
  if (values.help) {
    out.write(`${SEARCH_USAGE}\n`);
    return EXIT.OK;
  }
  const limit = wholeNumberFlag(values.limit);
  if (limit === null) {
    process.stderr.write(`${wholeNumberRefusal('--limit', values.limit)}\n`);
    return EXIT.USAGE;
  }
  // `--sort ASC`, as Elasticsearch and Kibana users write it.
  const sort = canonicalSort(values.sort);
  if (sort === null) {
    process.stderr.write(`--sort is desc or asc, not "${values.sort}"\n`);
    return EXIT.USAGE;
  }
  const q = positionals.join(' ');
  let client: ClientOptions;
  let json: boolean;
  try {
    json = wantsJson(values);
    client = clientOptions(values);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return EXIT.USAGE;
  }
  const params = new URLSearchParams({ q, sort });
  setTimeParams(params, q, values.from, values.to);
  const fields = values.fields ? values.fields.split(',').map((f) => f.trim()).filter(Boolean) : [];
  // --json prints what the server sends: with --fields, only those (and @timestamp, event.id).
  if (json && fields.length > 0 && !fields.includes('*')) params.set('fields', fields.join(','));
  const color = !json && (out as NodeJS.WriteStream).isTTY === true && !process.env.NO_COLOR;
  let printed = 0;
  let cursor: string | null = null;
  const warnings = new AnswerWarnings();
  const print = (hit: Record<string, unknown>) =>
    out.write(json ? `${JSON.stringify(hit)}\n` : `${formatEvent(hit, { color, fields })}\n`);
  try {
    if (values.follow) {
      // Like `tail -f`: the last N matching events oldest first, then live.
      params.set('sort', 'desc');
      params.set('limit', String(Math.min(limit, FOLLOW_BACKLOG)));
      // `--limit 5000 --follow` showed 1,000 as if they were all: say where it starts.
      if (limit > FOLLOW_BACKLOG) process.stderr.write(`--follow starts with the newest ${FOLLOW_BACKLOG} matching events, not ${limit}; without --follow a search prints up to --limit\n`);
      const page = await getJson<SearchAnswer>(client, '/api/v1/search', params).then(warnings.note);
      // The stream starts where the page ends: what is committed between the
      // two requests is replayed, not lost (newest hit, else the range's end).
      // After the read's commit mark too: while the server's feed keeps it,
      // the stream is exactly what was committed after the read, a late
      // event (stamped before the newest hit) included, which the replay
      // by time from the position alone never printed.
      const newest = page.hits[0];
      const mark = typeof page.commit_mark === 'string' ? `${page.commit_mark}:` : '';
      const position = newest ? tailPosition(newest) : page.range ? `${Date.parse(page.range.to)}|` : undefined;
      const after = position === undefined ? undefined : mark + position;
      for (const hit of page.hits.reverse()) print(hit);
      warnings.print();
      const ac = new AbortController();
      const stop = () => ac.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      // `--follow | head -3`: head's exit is seen now, not at the next event's write.
      let readerGone = false;
      const watch = watchReaderGone(out, () => {
        readerGone = true;
        ac.abort();
      });
      try {
        const drained = () => new Promise<void>((resolve) => {
          const done = () => { out.off('drain', done); ac.signal.removeEventListener('abort', done); resolve(); };
          out.once('drain', done);
          ac.signal.addEventListener('abort', done, { once: true });
        });
        await follow(client, q, print, ac.signal, after, drained);
      } finally {
        watch.stop();
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
      return readerGone ? EXIT.CLOSED_PIPE : EXIT.OK;
    }
    // Page through until the limit: the server caps one page's size.
    let first: SearchAnswer | null = null;
    while (printed < limit) {
      params.set('limit', String(Math.min(limit - printed, 1000)));
      if (cursor) params.set('cursor', cursor);
      const page: SearchAnswer = await getJson<SearchAnswer>(client, '/api/v1/search', params).then(warnings.note);
      first ??= page;
      // Every page searches the range the first one stated (`now` moves).
      if (page.range && !params.has('cursor')) {
        params.set('from', page.range.from);
        params.set('to', page.range.to);
      }
      for (const hit of page.hits) print(hit);
      printed += page.hits.length;
      cursor = page.next_cursor;
      if (!cursor || page.hits.length === 0) break;
    }
    if (printed === 0) {
      for (const line of await explainEmpty(client, q, params, first?.range)) process.stderr.write(`${line}\n`);
    } else if (cursor && first) {
      // More were printed than the server counted (it stops at 10,000): say so, not "30000 of at least 10000".
      const total = first.total.relation === 'eq' ? `${first.total.value}`
        : printed >= first.total.value ? `more than ${printed}` : `at least ${first.total.value}`;
      process.stderr.write(`showing ${printed} of ${total} (--limit N for more)\n`);
    }
    warnings.print();
  } catch (err) {
    if (err instanceof CliError) {
      process.stderr.write(`${err.message}\n`);
      return err.exitCode;
    }
    throw err;
  }
  return printed > 0 ? EXIT.OK : EXIT.NO_MATCH;
}
