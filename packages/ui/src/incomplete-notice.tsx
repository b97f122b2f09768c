/**
 * Beside the hit count: the search's answers lack the events of these
 * partitions (answer-warnings.ts). Without it a damaged or unopenable day
 * was simply missing from the hits, counts and bars, with nothing said
 * (Kibana says "N of M shards failed", Grafana marks the panel).
 */
import { causeWords, fromElasticsearch, partitionDay, type AnswerWarning } from './answer-warnings.js';

export interface IncompleteNoticeProps {
  warnings: readonly AnswerWarning[];
  /** What lacks their events: a search's hits, count and histogram; the lines around an event; what live sent. */
  leftOutOf?: string;
  /** Which read could not: "this range" for a search. */
  of?: string;
  /** Set on the region, so each place's notice can be told apart (data-notice). */
  kind?: string;
}

export function IncompleteNotice({ warnings, leftOutOf = 'the hits, the count and the histogram', of = 'this range', kind = 'search' }: IncompleteNoticeProps) {
  // An Elasticsearch answer names indices, the embedded stores' partitions (their files).
  const [one, many] = fromElasticsearch(warnings) ? ['one index', 'indices'] : ['one partition', 'partitions'];
  // The live region is always there, so that a notice put in it is read out.
  return (
    <div role="status" class="incomplete-region" data-notice={kind}>
      {warnings.length > 0 && (
        <div class="incomplete">
          <p>
            <strong>Incomplete results:</strong> {warnings.length === 1 ? one : `${warnings.length} ${many}`} of
            {' '}{of} could not be read; {warnings.length === 1 ? 'its' : 'their'} events are left out of {leftOutOf}.
          </p>
          <LeftOutList warnings={warnings} />
        </div>
      )}
    </div>
  );
}

/** Each left-out partition (index): its day and class, why, what brings it back, its code; the server's words in its title. Also the Alerts panel's, for a partial evaluation. */
export function LeftOutList({ warnings }: { warnings: readonly AnswerWarning[] }) {
  return (
    <ul class="left-out">
      {warnings.map((w) => {
        const at = partitionDay(w.partition);
        return (
          <li key={w.partition} data-partition={w.partition} data-code={w.code} title={w.message}>
            {at ? <><strong>{at.day}</strong> (UTC), class {at.retention}</> : <strong>{w.partition}</strong>}: {causeWords(w)} (<code>{w.code}</code>)
          </li>
        );
      })}
    </ul>
  );
}
