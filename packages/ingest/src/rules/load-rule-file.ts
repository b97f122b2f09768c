/**
 * One rule file: YAML ─► strict schema (unknown keys named by path) ─►
 * per rule: durations, aggregate, templates, queries parsed (caret on a
 * mistake) ─► RuleGroup[]. Nothing half-loads: a file with a mistake loads
 * no group. Every mistake found is reported at once (MistakeList), as
 * `promtool check rules` lists every error of a file: each group and rule
 * is checked on its own, and one the schema found malformed is left out of
 * the later checks (its values cannot be trusted) while the others go on.
 * Only YAML that does not parse stops at its first mistake.
 */
import { Ajv, type ErrorObject } from 'ajv';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { nearestName, type QueryNode } from '@logship/query/core';
import { pathSegments, placeIn, queryPlace, withPlace } from '../errors/yaml-places.js';
import { schemaTypeWords } from '../errors/schema-type-words.js';
import type { LogshipError } from '../errors/define-error.js';
import { MistakeList } from '../errors/mistake-list.js';
import { rulesErrors as errors } from './rules-errors.js';
import { compileRuleQuery, RuleQueryError } from './compile-rule-query.js';
import { notADuration, parseDuration } from './parse-duration.js';
import { labelName } from './evaluate-rule.js';
import { checkTemplate } from './render-template.js';
import type { AlertRule, RuleAggregate, RuleGroup } from './rule-types.js';

const duration = { type: 'string', minLength: 1 } as const;
// Numbers and booleans are taken as their text, as Prometheus's YAML reads
// `priority: 1` or `page: true` into a label: its rule files load unchanged.
const stringMap = {
  type: 'object',
  additionalProperties: { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] },
} as const;

const RULE_FILE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['groups'],
  properties: {
    groups: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'rules'],
        properties: {
          name: { type: 'string', minLength: 1 },
          interval: duration,
          rules: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['alert', 'query'],
              properties: {
                alert: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
                query: { type: 'string', minLength: 1 },
                window: duration,
                aggregate: { type: 'string', minLength: 1 },
                above: { type: 'number' },
                below: { type: 'number' },
                ratio_to: { type: 'string', minLength: 1 },
                group_by: { type: 'array', maxItems: 5, uniqueItems: true, items: { type: 'string', minLength: 1 } },
                for: duration,
                keep_firing_for: duration,
                labels: stringMap,
                annotations: stringMap,
                sample_lines: { type: 'integer', minimum: 0, maximum: 20 },
              },
            },
          },
        },
      },
    },
  },
} as const;

// verbose: an unknown key's error carries the object's schema, whose keys are the ones to suggest.
const validate = new Ajv({ allErrors: true, strict: true, verbose: true }).compile(RULE_FILE_SCHEMA);

/**
 * The file's mistakes, each thrown with its key's line and column (`unknown
 * key "groups[0].rules[0].abov"; did you mean "above"? (line 7, column 9)`),
 * as the server config's are: a path alone sent operators counting list items.
 */
class PlacedMistakes extends MistakeList {
  constructor(
    private readonly yaml: Document,
    private readonly lineCounter: LineCounter,
  ) {
    super();
  }

  override throwIfAny(): void {
    const placed = new MistakeList();
    for (const m of this.all) {
      // Every code a rule file's key is named by: (file, path, …).
      const path = PLACED_CODES.has(m.code) && typeof m.args[1] === 'string' ? pathSegments(m.args[1]) : null;
      const where = path === null ? undefined : placeIn(this.yaml, this.lineCounter, path);
      placed.add(where === undefined ? m : withPlace(m, where));
    }
    placed.throwIfAny();
  }
}
const PLACED_CODES = new Set([errors.rulesUnknownKey.code, errors.rulesInvalid.code, errors.rulesQuery.code]);

interface RawRule {
  alert: string;
  query: string;
  window?: string;
  aggregate?: string;
  above?: number;
  below?: number;
  ratio_to?: string;
  group_by?: string[];
  for?: string;
  keep_firing_for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  sample_lines?: number;
}
interface RawFile {
  groups: { name: string; interval?: string; rules: RawRule[] }[];
}

export interface RuleFileOptions {
  /** Group interval when a group names none. */
  defaultInterval_ms: number;
  /** Saved queries `@name` may refer to (the config's plus the built-ins). */
  savedQueries: Readonly<Record<string, string>>;
}

const DEFAULT_WINDOW_MS = 5 * 60_000;
const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Parses and checks the text of one rule file; `file` names it in errors and in the API. */
export function loadRuleFile(file: string, text: string, opts: RuleFileOptions): RuleGroup[] {
  const lineCounter = new LineCounter();
  const yaml = parseDocument(text, { lineCounter });
  // The library's own message names the line and column and shows the text.
  if (yaml.errors.length > 0) throw errors.rulesSyntax(file, yaml.errors[0]!.message);
  const doc: unknown = yaml.toJS({ maxAliasCount: 100 });
  // An empty file has no groups, as in Prometheus.
  if (doc === null || doc === undefined) return [];
  const mistakes = new PlacedMistakes(yaml, lineCounter);
  const malformed = validate(doc) ? [] : [...(validate.errors ?? [])];
  for (const e of schemaMistakes(malformed)) mistakes.add(schemaError(file, e, malformed));
  // Without a list of groups there is nothing to check further.
  if (!sound(malformed, '', true) || !sound(malformed, '/groups', true)) mistakes.throwIfAny();
  const raw = doc as RawFile;
  const seen = new Set<string>();
  const groups = raw.groups.map((g, gi): RuleGroup | undefined => {
    const gpath = `groups[${gi}]`;
    const at = `/groups/${gi}`;
    if (!sound(malformed, at, true) || !sound(malformed, `${at}/name`) || !sound(malformed, `${at}/rules`, true)) return undefined;
    if (seen.has(g.name)) mistakes.add(errors.rulesInvalid(file, `${gpath}.name`, `repeats the group name "${g.name}"`));
    seen.add(g.name);
    const interval_ms = !sound(malformed, `${at}/interval`) ? 0 : mistakes.check(() => {
      const ms = g.interval === undefined ? opts.defaultInterval_ms : durationAt(file, `${gpath}.interval`, g.interval);
      if (ms < 1000) throw errors.rulesInvalid(file, `${gpath}.interval`, 'must be at least 1s');
      return ms;
    }, 0);
    const keys = ruleKeys(file, g.name, g.rules);
    const rules = g.rules.map((r, ri) => {
      // A rule the schema found malformed (a value of the wrong type, a key missing) is not checked further.
      if (!sound(malformed, `${at}/rules/${ri}`)) return undefined;
      if (r.labels) r.labels = textValues(r.labels);
      if (r.annotations) r.annotations = textValues(r.annotations);
      return buildRule(file, g.name, `${gpath}.rules[${ri}]`, ri, r, opts, keys[ri] as string, mistakes);
    });
    return { name: g.name, file, interval_ms, rules: rules.filter((r) => r !== undefined) };
  });
  mistakes.throwIfAny();
  return groups.filter((g) => g !== undefined);
}

/**
 * Whether the schema found nothing wrong at `path` (an instance path) and,
 * unless `only`, below it. At a list (`/groups`, a group's `/rules`) only
 * the list itself counts: each item is judged on its own. An unknown key
 * (reported) leaves the known ones beside it checked and worth checking
 * further.
 */
function sound(malformed: readonly ErrorObject[], path: string, only = false): boolean {
  return !malformed.some((e) => {
    if (e.instancePath === path) return e.keyword !== 'additionalProperties';
    return !only && e.instancePath.startsWith(`${path}/`);
  });
}

/**
 * The schema's errors worth a line each: every unknown and every missing
 * key, and one error for any other place (a label value that is none of
 * string, number, boolean fails three types and the anyOf: one line).
 * Unknown keys first: one often explains the rest (a Prometheus rule's
 * `expr` is why its `query` is missing), and the first is the exit's code.
 */
function schemaMistakes(all: readonly ErrorObject[]): ErrorObject[] {
  const keyed = (e: ErrorObject): boolean => e.keyword === 'additionalProperties' || e.keyword === 'required';
  const keyedAt = new Set(all.filter(keyed).map((e) => e.instancePath));
  const told = new Set<string>();
  const unknown = all.filter((e) => e.keyword === 'additionalProperties');
  return unknown.concat(all.filter((e) => e.keyword !== 'additionalProperties')).filter((e) => {
    if (keyed(e)) return true;
    if (keyedAt.has(e.instancePath) || told.has(e.instancePath)) return false;
    told.add(e.instancePath);
    return true;
  });
}

function textValues(map: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, String(v)]));
}

/**
 * Each rule's identity across reloads and restarts, as Prometheus matches
 * rules when it reloads a group (Group.CopyState): by alert name and labels,
 * the n-th of identical ones with the n-th. Not by position, so a rule added
 * above others (or two rules swapped) does not send their firing alerts back
 * to pending, to be resolved by Alertmanager and fired anew with another
 * start time.
 */
function ruleKeys(file: string, group: string, rules: readonly RawRule[]): string[] {
  const seen = new Map<string, number>();
  return rules.map((r) => {
    // A rule the schema refused may be anything (even null): its key is never used, since the file does not load.
    const labels = Object.entries((r as Partial<RawRule> | null)?.labels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const identity = JSON.stringify([(r as Partial<RawRule> | null)?.alert, labels]);
    const n = seen.get(identity) ?? 0;
    seen.set(identity, n + 1);
    return `${file}\u0000${group}\u0000${identity}\u0000${n}`;
  });
}

/** One rule, each of its checks run on its own (a mistake kept in `mistakes`, a stand-in value used). */
function buildRule(file: string, group: string, path: string, index: number, r: RawRule, opts: RuleFileOptions, key: string, mistakes: MistakeList): AlertRule {
  if ((r.above === undefined) === (r.below === undefined)) {
    mistakes.add(errors.rulesInvalid(file, path, 'needs exactly one of "above" and "below"'));
  }
  const window_ms = mistakes.check(() => {
    const ms = r.window === undefined ? DEFAULT_WINDOW_MS : durationAt(file, `${path}.window`, r.window);
    if (ms < 1000) throw errors.rulesInvalid(file, `${path}.window`, 'must be at least 1s');
    return ms;
  }, DEFAULT_WINDOW_MS);
  const aggregateText = r.aggregate ?? 'count';
  const aggregate = parseAggregate(aggregateText);
  if (!aggregate) {
    mistakes.add(errors.rulesInvalid(file, `${path}.aggregate`, `"${aggregateText}" is not count, rate, avg:FIELD, min:FIELD, max:FIELD, sum:FIELD or pNN:FIELD`));
  }
  for (const [name, value] of Object.entries(r.labels ?? {})) {
    if (!LABEL_NAME.test(name)) mistakes.add(errors.rulesInvalid(file, `${path}.labels.${name}`, 'is not a Prometheus label name ([A-Za-z_][A-Za-z0-9_]*)'));
    const why = checkTemplate(value);
    if (why) mistakes.add(errors.rulesInvalid(file, `${path}.labels.${name}`, why));
  }
  for (const [name, value] of Object.entries(r.annotations ?? {})) {
    const why = checkTemplate(value);
    if (why) mistakes.add(errors.rulesInvalid(file, `${path}.annotations.${name}`, why));
  }
  checkGroupBy(file, path, r, mistakes);
  const ast = mistakes.check(() => queryAt(file, `${path}.query`, r.query, opts), null);
  const ratioAst = r.ratio_to === undefined ? null : mistakes.check(() => queryAt(file, `${path}.ratio_to`, r.ratio_to as string, opts), null);
  return {
    key,
    legacyKey: `${file}\u0000${group}\u0000${index}\u0000${r.alert}`,
    name: r.alert,
    query: r.query,
    // Null only beside a kept mistake: the file then throws and no rule of it runs.
    ast: ast as QueryNode,
    window_ms,
    aggregate: aggregate ?? { kind: 'count' },
    aggregateText,
    above: r.above ?? null,
    below: r.below ?? null,
    ratioTo: r.ratio_to === undefined ? null : { query: r.ratio_to, ast: ratioAst as QueryNode },
    groupBy: r.group_by ?? [],
    for_ms: r.for === undefined ? 0 : mistakes.check(() => durationAt(file, `${path}.for`, r.for as string), 0),
    keep_firing_for_ms: r.keep_firing_for === undefined ? 0 : mistakes.check(() => durationAt(file, `${path}.keep_firing_for`, r.keep_firing_for as string), 0),
    labels: r.labels ?? {},
    annotations: r.annotations ?? {},
    sampleLines: r.sample_lines ?? 0,
  };
}

/**
 * group_by values become labels. Two fields that make the same label name
 * (`event.dataset`, `event_dataset`), or one the rule's `labels` or its
 * alertname also set, made the series share one label set: one alert whose
 * value and annotations took turns between them, the others never sent.
 * Each entry is judged on its own, every clash named.
 */
function checkGroupBy(file: string, path: string, r: RawRule, mistakes: MistakeList): void {
  const seen = new Map<string, number>();
  (r.group_by ?? []).forEach((field, i) => {
    const at = `${path}.group_by[${i}]`;
    const label = labelName(field);
    const first = seen.get(label);
    if (first !== undefined) {
      mistakes.add(errors.rulesInvalid(file, at, `"${field}" becomes the label "${label}", as group_by[${first}] does`));
      return;
    }
    seen.set(label, i);
    if (label === 'alertname') mistakes.add(errors.rulesInvalid(file, at, `"${field}" becomes the label "alertname", which is the rule's name`));
    else if (r.labels && Object.hasOwn(r.labels, label)) mistakes.add(errors.rulesInvalid(file, at, `"${field}" becomes the label "${label}", which the rule's labels set too`));
    else if (label.startsWith('__')) mistakes.add(errors.rulesInvalid(file, at, `"${field}" becomes the label "${label}": labels starting with __ are reserved by Prometheus`));
  });
}

export function parseAggregate(text: string): RuleAggregate | null {
  if (text === 'count' || text === 'rate') return { kind: text };
  const m = /^(avg|min|max|sum|p(\d{1,2}(?:\.\d+)?)):(\S+)$/.exec(text);
  if (!m) return null;
  const field = m[3] as string;
  if (m[2] !== undefined) {
    const percent = Number(m[2]);
    return percent > 0 && percent < 100 ? { kind: 'percentile', percent, field } : null;
  }
  return { kind: m[1] as 'avg' | 'min' | 'max' | 'sum', field };
}

function durationAt(file: string, path: string, text: string): number {
  const ms = parseDuration(text);
  if (ms === null) throw errors.rulesInvalid(file, path, notADuration(text));
  return ms;
}

function queryAt(file: string, path: string, text: string, opts: RuleFileOptions): QueryNode {
  try {
    return compileRuleQuery(text, opts.savedQueries);
  } catch (err) {
    if (!(err instanceof RuleQueryError)) throw err;
    throw errors.rulesQuery(file, path, queryPlace(err.problem.reason), err.problem.caret ? `\n${err.problem.caret}` : '');
  }
}

/** The keys a Prometheus rule file brings along, with what to write here instead. */
const PROMETHEUS_KEYS: Record<string, string> = {
  expr: ': a rule here is `query` (the log query language, docs/QUERY_LANGUAGE.md) with `above` or `below`, not PromQL; to keep a PromQL rule, count the events with log_metrics and leave the rule in Prometheus (docs/ALERTING.md)',
  record: ': there are no recording rules; log_metrics makes counters and histograms of events for Prometheus (docs/ALERTING.md)',
};

function schemaError(file: string, e: ErrorObject | undefined, all: readonly ErrorObject[] = []): LogshipError {
  if (!e) return errors.rulesInvalid(file, '(root)', 'is invalid');
  // '/groups/0/rules/1' → 'groups[0].rules[1]'
  const path = e.instancePath
    .split('/')
    .slice(1)
    .map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`))
    .join('')
    .replace(/^\./, '');
  if (e.keyword === 'additionalProperties') {
    const key = (e.params as { additionalProperty: string }).additionalProperty;
    if (/\.rules\[\d+\]$/.test(path) && Object.hasOwn(PROMETHEUS_KEYS, key)) return errors.rulesUnknownKey(file, path ? `${path}.${key}` : key, PROMETHEUS_KEYS[key]);
    // The key meant, as the server config suggests one (`abov` → `above`).
    const near = nearestName(key, Object.keys((e.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {}));
    return errors.rulesUnknownKey(file, path ? `${path}.${key}` : key, near !== null ? `; did you mean "${near}"?` : '');
  }
  if (e.keyword === 'required') {
    const key = (e.params as { missingProperty: string }).missingProperty;
    return errors.rulesInvalid(file, path ? `${path}.${key}` : key, 'is required');
  }
  // A duration given as a number (`window: 5`) is told what a duration looks like, as one that does not parse is.
  if (e.keyword === 'type' && /(?:^|\.)(?:interval|window|for|keep_firing_for)$/.test(path) && typeof e.data !== 'object') {
    return errors.rulesInvalid(file, path, notADuration(String(e.data)));
  }
  const typed = schemaTypeWords(e, all);
  if (typed !== undefined) return errors.rulesInvalid(file, path || '(root)', typed);
  return errors.rulesInvalid(file, path || '(root)', e.message ?? 'is invalid');
}
