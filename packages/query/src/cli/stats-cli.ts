/**
 * `logship stats FIELD [QUERY] [--by F]`: count, min, avg, max and
 * percentiles of a number field, overall or for each of F's top values
 * (VictoriaLogs' `stats by (F) count(), avg(FIELD), quantile(0.95, FIELD)`).
 * Two aggregations (stats and percentiles) from GET /api/v1/aggregate, with
 * `by` when grouped; the same flags as `top`.
 */
import { parseArgs } from 'node:util';
import { argsErrorMessage } from './args-error.js';
import { joinDashValues } from './join-dash-values.js';
import { wantsJson } from './output-flag.js';
import { EXIT, getJson } from './client.js';
import { clientOptions } from './client-options.js';
import { COMMON, explainNothing, guarded } from './aggregate-cli.js';
import { AnswerWarnings } from './answer-warnings.js';
import { setTimeParams } from './time-params.js';
import { wholeNumberFlag, wholeNumberRefusal } from './whole-number-flag.js';

export const STATS_USAGE =
  'usage: logship stats FIELD [QUERY] [--by FIELD] [--size N] [--percents 50,95,99] [--from now-1h] [--to now] [--server URL] [--token TOKEN] [--ca-file FILE] [--cert-file FILE --key-file FILE] [--timeout DURATION] [--json | --output json]';

interface Stats { count: number; min: number | null; max: number | null; avg: number | null; sum: number; range?: { from: string; to: string } }
interface Percentiles { count: number; values: Record<string, number | null> }
interface Grouped<T> { groups: { key: string; count: number; result: T }[]; other_count: number; missing_count: number; range?: { from: string; to: string } }

/** One line of the table: the group's name (or none) and its figures. */
interface Row { key: string | null; events: number; stats: Stats; pct: Percentiles['values'] }

const STATS_OPTIONS = {
  ...COMMON,
  by: { type: 'string' },
  size: { type: 'string', default: '10' },
  percents: { type: 'string', default: '50,95,99' },
} as const;

export async function runStatsCli(argv: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  let parsed;
  const args = joinDashValues(argv, STATS_OPTIONS);
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: STATS_OPTIONS,
    });
  } catch (err) {
    process.stderr.write(`${argsErrorMessage(err, args, STATS_OPTIONS)}\n${STATS_USAGE}\n`);
    return EXIT.USAGE;
  }
  const { values, positionals } = parsed;
  if (values.help) { out.write(`${STATS_USAGE}\n`); return EXIT.OK; }
  const [field, ...rest] = positionals;
  if (!field) { process.stderr.write(`${STATS_USAGE}\n`); return EXIT.USAGE; }
  if (wholeNumberFlag(values.size) === null) { process.stderr.write(`${wholeNumberRefusal('--size', values.size)}\n`); return EXIT.USAGE; }
  return guarded(async () => {
    const json = wantsJson(values);
    const client = clientOptions(values);
    const q = rest.join(' ');
    const warnings = new AnswerWarnings();
    const ask = <T>(extra: Record<string, string>): Promise<T> => {
      const params = new URLSearchParams({ q, field, ...extra, ...(values.by !== undefined ? { by: values.by, by_size: values.size } : {}) });
      setTimeParams(params, q, values.from, values.to);
      return getJson<T>(client, '/api/v1/aggregate', params).then(warnings.note);
    };
    let rows: Row[];
    let leftOver: { other: number; missing: number } | null = null;
    let range: Stats['range'];
    if (values.by === undefined) {
      const [stats, pct] = await Promise.all([ask<Stats>({ type: 'stats' }), ask<Percentiles>({ type: 'percentiles', percents: values.percents })]);
      rows = [{ key: null, events: stats.count, stats, pct: pct.values }];
      range = stats.range;
      if (json) out.write(`${JSON.stringify({ field, ...figures(stats), percentiles: pct.values })}\n`);
    } else {
      const [stats, pct] = await Promise.all([
        ask<Grouped<Stats>>({ type: 'stats' }),
        ask<Grouped<Percentiles>>({ type: 'percentiles', percents: values.percents }),
      ]);
      // Both asked for the same top values; an event landing between the two
      // questions can reorder them, so percentiles are joined by key.
      const byKey = new Map(pct.groups.map((g) => [g.key, g.result.values]));
      rows = stats.groups.map((g) => ({ key: g.key, events: g.count, stats: g.result, pct: byKey.get(g.key) ?? {} }));
      leftOver = { other: stats.other_count, missing: stats.missing_count };
      range = stats.range;
      if (json) {
        out.write(`${JSON.stringify({ field, by: values.by, groups: rows.map((r) => ({ key: r.key, events: r.events, ...figures(r.stats), percentiles: r.pct })), other_count: stats.other_count, missing_count: stats.missing_count })}\n`);
      }
    }
    if (!json) out.write(table(rows, values.by ?? null, values.percents.split(',').map((p) => p.trim()), leftOver));
    const found = rows.some((r) => r.stats.count > 0);
    // No groups: the query or the --by field is what is missing; else FIELD.
    if (!found) await explainNothing(client, q, rows.length === 0 && values.by !== undefined ? values.by : field, range);
    warnings.print();
    return found ? EXIT.OK : EXIT.NO_MATCH;
  });
}

/** A stats answer without its `type`. */
function figures(s: Stats): Stats {
  return { count: s.count, min: s.min, max: s.max, avg: s.avg, sum: s.sum };
}

function num(v: number | null | undefined): string {
  if (v === null || v === undefined) return '-';
  return Number.isInteger(v) ? String(v) : v.toFixed(Math.abs(v) >= 100 ? 1 : 3);
}

/** Right-aligned columns; `count` is the events holding a number in FIELD, `events` those of the group (as the terms read counted them). */
function table(rows: Row[], by: string | null, percents: string[], rest: { other: number; missing: number } | null): string {
  const head = [...(by !== null ? [by, 'events'] : []), 'count', 'min', 'avg', 'max', ...percents.map((p) => `p${p}`)];
  const cells = rows.map((r) => [
    ...(by !== null ? [r.key ?? '', String(r.events)] : []),
    String(r.stats.count), num(r.stats.min), num(r.stats.avg), num(r.stats.max),
    ...percents.map((p) => num(r.pct[p] ?? r.pct[`${p}.0`])),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]): string => c.map((v, i) => (i === 0 && by !== null ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ').trimEnd();
  let text = [head, ...cells].map(line).join('\n') + '\n';
  if (rest && (rest.other > 0 || rest.missing > 0)) text += `(other values: ${rest.other} events; no ${by}: ${rest.missing})\n`;
  // A group's events come from the terms read, its figures from the read after it
  // (group-aggregate.ts): events stored in between are in the figures only. Shown
  // without a word, a count above its events read as a wrong answer. The only
  // cause on every store: Elasticsearch's terms are exact too (es-aggregate.ts
  // counts by composite pages when a shard's top list could miss counts), and
  // each event holds one number per field (arrays are not in its number copy).
  if (by !== null && rows.some((r) => r.stats.count > r.events)) {
    text += '(events were stored while this was read: a group\'s figures can count events its events column, read first, does not; a range that ended earlier, such as --to now-1m, reads steadier figures)\n';
  }
  return text;
}
