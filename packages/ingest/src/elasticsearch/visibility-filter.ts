/**
 * Expired events are invisible before their index is deleted (DESIGN.md §5):
 * every read adds this filter, one clause per retention class, keeping an
 * event only when its @timestamp is at or after its class's cutoff. Events of
 * a class no longer configured age by the default retention, as
 * RetentionPolicy.daysOf() says.
 */
import type { RetentionPolicy } from '../retention/retention-policy.js';
import { DEFAULT_CLASS } from '../retention/retention-config.js';
import { CLASS_FIELD } from './event-document.js';
import type { EsQuery } from './compile-dsl.js';

function since(cutoff: number): EsQuery {
  return { range: { '@timestamp': { gte: String(cutoff), format: 'epoch_millis' } } };
}

export function visibilityFilter(policy: RetentionPolicy, now: number): EsQuery {
  const named = policy.classNames.filter((c) => c !== DEFAULT_CLASS);
  const should: EsQuery[] = named.map((c) => ({
    bool: { filter: [{ term: { [CLASS_FIELD]: c } }, since(policy.cutoff(c, now))] },
  }));
  should.push({
    bool: {
      must_not: named.length ? [{ terms: { [CLASS_FIELD]: named } }] : [],
      filter: [since(policy.cutoff(DEFAULT_CLASS, now))],
    },
  });
  return { bool: { should, minimum_should_match: 1 } };
}

/** The request's inclusive time range. */
export function timeRangeFilter(from: number, to: number): EsQuery {
  return { range: { '@timestamp': { gte: String(from), lte: String(to), format: 'epoch_millis' } } };
}
