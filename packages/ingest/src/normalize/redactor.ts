/**
 * `ingest.redact`: what its rules match in an event's string fields is
 * replaced before the event is stored, so no search, live tail, alert,
 * drop rule or backup ever sees it (Vector's `redact`, Promtail's `replace`
 * stage, Elasticsearch's `redact` processor, done once for every shipper).
 * Applied at the end of normalization (normalize-line.ts), where the
 * event's fields are final and its id not yet taken.
 */
import type { LogEvent } from '@logship/query/core';
import { FLAG_FIELDS } from './limits.js';
import { linearRegex } from './linear-regex.js';
import { truncateValue } from './truncate-value.js';

export interface RedactRule {
  /** The metric's `rule` label (default the pattern). */
  name: string;
  pattern: string;
  /** What replaces each match; `$1`, `$<name>` and `$&` name its groups (default `[REDACTED]`). */
  replacement: string;
  /** The fields it reads; default every string field but RESERVED_FIELDS. */
  fields?: readonly string[];
  ignore_case?: boolean;
}

export const DEFAULT_REPLACEMENT = '[REDACTED]';

/**
 * Never rewritten: the store's own keys and the flags ingest sets (a
 * sender's other `logship.*` fields are its own text, and redacted).
 * config/redact-rules.ts refuses them in a rule's `fields`.
 */
export const RESERVED_FIELDS: ReadonlySet<string> = new Set(['@timestamp', 'event.id', 'level', ...Object.values(FLAG_FIELDS)]);

interface CompiledRule {
  re: RegExp;
  replacement: string;
  fields: readonly string[] | undefined;
}

export class Redactor {
  private readonly rules: CompiledRule[];
  private counts: number[];

  /**
   * `key`: the server's redaction key, for the ids of matched events
   * (content-id.ts redactedContentId); `maxValueBytes`: the cap a value
   * longer after its replacements is cut to again. Throws LinearRegexError
   * for a pattern it refuses.
   */
  constructor(
    readonly names: readonly string[],
    rules: readonly RedactRule[],
    readonly key: Uint8Array,
    private readonly maxValueBytes: number,
  ) {
    this.rules = rules.map((r) => ({ re: linearRegex(r.pattern, r.ignore_case ?? false), replacement: r.replacement, fields: r.fields }));
    this.counts = rules.map(() => 0);
  }

  /** Whether a rule matches a value it reads (nothing changed yet). */
  matches(event: LogEvent): boolean {
    for (const rule of this.rules) {
      const { re } = rule;
      if (rule.fields) {
        for (const f of rule.fields) {
          const v = event[f];
          if (typeof v === 'string' && test(re, v)) return true;
        }
        continue;
      }
      for (const f in event) {
        const v = event[f];
        if (typeof v === 'string' && !RESERVED_FIELDS.has(f) && test(re, v)) return true;
      }
    }
    return false;
  }

  /** Applies every rule in order, each to what the ones before left. */
  apply(event: LogEvent): void {
    const rules = this.rules;
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i]!;
      const keys = rule.fields ?? Object.keys(event).filter((f) => !RESERVED_FIELDS.has(f));
      for (const f of keys) {
        const v = event[f];
        if (typeof v !== 'string') continue;
        let after = v.replace(rule.re, rule.replacement);
        if (after === v) continue;
        // A replacement longer than its match may take a value past the cap it was cut to.
        if (after.length > v.length) {
          const cut = truncateValue(after, this.maxValueBytes);
          if (cut !== after) event[FLAG_FIELDS.truncated] = true;
          after = cut;
        }
        event[f] = after;
        this.counts[i]!++;
      }
    }
  }

  /** Values each rule changed since the last call (logship_ingest_redactions_total). */
  takeCounts(): number[] {
    const taken = this.counts;
    this.counts = this.rules.map(() => 0);
    return taken;
  }
}

function test(re: RegExp, value: string): boolean {
  re.lastIndex = 0;
  const hit = re.test(value);
  re.lastIndex = 0;
  return hit;
}
