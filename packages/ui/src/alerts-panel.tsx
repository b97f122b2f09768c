/**
 * Alerting on the page, as Grafana's alert list and Kibana's rules page
 * show it: a header button that counts the firing alerts (asked every 30 s,
 * so a page left open shows an alert starting), and a panel listing every
 * rule group, its rules' state, health, last value and error (an
 * evaluation over a partial answer: what it left out, as a search's), and the
 * pending and firing alerts with their labels. A rule's query opens in the
 * search over the rule's window: the events that made it fire.
 *
 *   /api/v1/alerts (every 30 s) ─► "Alerts · N firing"
 *   click ─► panel ─► /api/v1/rules (now, then every 10 s while open)
 */
import { useEffect, useState } from 'preact/hooks';
import { useDialog } from './use-dialog.js';
import { ApiFailure, failureText, getJson } from './api-client.js';
import type { AnswerWarning } from './answer-warnings.js';
import { LeftOutList } from './incomplete-notice.js';

interface AlertJson {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
  activeAt: string;
  value: string;
}

interface RuleJson {
  name: string;
  state: 'inactive' | 'pending' | 'firing';
  query: string;
  window: string;
  aggregate: string;
  /** A ratio rule's denominator: its value is count of `query` / count of `ratio_to`, a share and not a count. */
  ratio_to?: string;
  above?: number;
  below?: number;
  health: 'ok' | 'err' | 'unknown';
  lastError?: string;
  /** Ours: the last evaluation read only part of the window (docs/ALERTING.md "Partial answers"): not acted on, `health` err. */
  partial?: boolean;
  /** Ours, with `partial`: what was read can still fire the rule (an `above` count, rate or max); it resolves nothing. */
  fires_on_part?: boolean;
  /** What it left out, as a search answer's `warnings`. */
  warnings?: AnswerWarning[];
  lastEvaluation: string;
  value: string | null;
  alerts: AlertJson[];
  annotations: Record<string, string>;
}

interface RulesAnswer {
  data: { groups: { name: string; file: string; interval: number; rules: RuleJson[] }[] };
}

interface AlertsAnswer {
  data: { alerts: AlertJson[] };
}

const BADGE_EVERY_MS = 30_000;
const PANEL_EVERY_MS = 10_000;
/** What the API writes for "never" (Prometheus's zero time). */
const NEVER = '0001-01-01T00:00:00Z';

function ago(iso: string, now: number): string {
  if (iso === NEVER) return 'never';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

function threshold(r: RuleJson): string {
  return r.above !== undefined ? `> ${r.above}` : r.below !== undefined ? `< ${r.below}` : '';
}

/**
 * What a rule computes, as `logship rules test` says it. A ratio rule read
 * "count of <query> over 5m > 0.01", a threshold of a hundredth of an event;
 * it is the share of its denominator's events: "count of <query> / count of
 * <ratio_to> over 5m > 0.01".
 */
function ruleText(r: RuleJson): string {
  if (r.ratio_to === undefined) return `${r.aggregate} of ${r.query} over ${r.window} ${threshold(r)}`;
  // The bound as a share too: 0.01 is 1% of the denominator's events.
  const bound = r.above ?? r.below;
  const pct = bound !== undefined ? ` (${Number((bound * 100).toPrecision(6))}%)` : '';
  return `${r.aggregate} of ${r.query} / count of ${r.ratio_to} over ${r.window} ${threshold(r)}${pct}`;
}

function labelText(labels: Record<string, string>): string {
  return Object.entries(labels)
    .filter(([k]) => k !== 'alertname')
    .map(([k, v]) => `${k}="${v}"`)
    .join(', ');
}

export interface AlertsButtonProps {
  /** Bumped when the token changes, so a refused count is asked again. */
  authVersion: number;
  onOpen: () => void;
}

/** The header's "Alerts" button, with the number of firing alerts; hidden where the server has no rules API. */
export function AlertsButton({ authVersion, onOpen }: AlertsButtonProps) {
  const [firing, setFiring] = useState<number | null>(null);
  useEffect(() => {
    let stopped = false;
    const ask = () => {
      getJson<AlertsAnswer>('/api/v1/alerts').then(
        (a) => { if (!stopped) setFiring(a.data.alerts.filter((x) => x.state === 'firing').length); },
        () => { if (!stopped) setFiring(null); },
      );
    };
    ask();
    const timer = setInterval(ask, BADGE_EVERY_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [authVersion]);
  return (
    <button
      type="button"
      class={firing ? 'alerts-button firing' : 'alerts-button'}
      data-firing={firing ?? ''}
      aria-label={firing ? `Alerts, ${firing} firing` : 'Alerts'}
      onClick={onOpen}
    >
      Alerts{firing ? <span class="badge">{firing}</span> : null}
    </button>
  );
}

export interface AlertsPanelProps {
  /** Runs a rule's query over its window in the search. */
  onSearch: (query: string, window: string) => void;
  onClose: () => void;
}

export function AlertsPanel({ onSearch, onClose }: AlertsPanelProps) {
  const [answer, setAnswer] = useState<RulesAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [now, setNow] = useState(Date.now());
  // Focus in, Tab kept inside, Escape out, focus back to the opener: as the context view.
  const { box, closeButton } = useDialog(onClose);
  useEffect(() => {
    let stopped = false;
    const ask = () => {
      getJson<RulesAnswer>('/api/v1/rules').then(
        (a) => {
          if (stopped) return;
          setAnswer(a);
          setError(null);
          setNow(Date.now());
        },
        (err: unknown) => {
          if (!stopped) setError(err instanceof ApiFailure ? `${err.message} (${err.code})` : failureText(err));
        },
      );
    };
    ask();
    const timer = setInterval(ask, PANEL_EVERY_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, []);
  const groups = answer?.data.groups ?? [];
  const count = (state: string) => groups.reduce((n, g) => n + g.rules.reduce((m, r) => m + r.alerts.filter((a) => a.state === state).length, 0), 0);
  return (
    <div class="overlay" onClick={onClose}>
      <div class="dialog alerts" ref={box} role="dialog" aria-modal="true" aria-label="Alerts" onClick={(e) => e.stopPropagation()}>
        <div class="dialog-head">
          <h2>
            Alerts{answer ? ` (${count('firing')} firing, ${count('pending')} pending, ${groups.reduce((n, g) => n + g.rules.length, 0)} rules)` : ''}
          </h2>
          <button type="button" onClick={onClose} ref={closeButton}>Close</button>
        </div>
        {error && <p role="alert" class="error-text">{error}</p>}
        {!answer && !error && <p class="muted">Loading…</p>}
        {answer && groups.length === 0 && (
          <p class="muted">
            No alert rules are loaded. Rules live in the files the server config's <code>rule_files</code> names (docs/ALERTING.md).
          </p>
        )}
        {groups.map((g) => (
          <section class="rule-group" key={`${g.file};${g.name}`} aria-label={`Rule group ${g.name}`}>
            <h3>
              {g.name} <span class="muted">every {g.interval} s · {g.file}</span>
            </h3>
            <ul class="rules">
              {g.rules.map((r) => (
                <li key={r.name} class={`rule ${r.state}`} data-rule={r.name} data-state={r.state} data-health={r.health} data-partial={r.partial ? 'true' : undefined}>
                  <div class="rule-head">
                    <span class={`state ${r.state}`}>{r.state}</span>
                    <strong>{r.name}</strong>
                    <code class="muted">
                      {ruleText(r)}
                    </code>
                    <button type="button" class="link" onClick={() => onSearch(r.query, r.window)}>
                      Search its events
                    </button>
                  </div>
                  <div class="muted rule-meta">
                    last value {r.value ?? '–'}{r.partial ? ' (of the part read)' : ''} · evaluated {ago(r.lastEvaluation, now)}
                    {r.health === 'err' && !r.partial && <span class="error-text"> · failing: {r.lastError}</span>}
                  </div>
                  {/*
                    Read in part, the evaluation was not acted on: "failing" and the
                    server's long lastError said neither that the read answered nor
                    which days it lacked and what brings them back.
                  */}
                  {r.partial && (
                    <div class="incomplete rule-partial">
                      <p>
                        <strong>Partial:</strong> its last evaluation read only part of its {r.window} window, so{' '}
                        {r.fires_on_part
                          ? 'it resolved nothing: a firing alert stays firing until an evaluation reads the whole window (what it read can still fire it).'
                          : 'it was not acted on: its alerts keep their state until an evaluation reads the whole window.'}
                      </p>
                      <LeftOutList warnings={r.warnings ?? []} />
                    </div>
                  )}
                  {r.annotations.summary && <div>{r.annotations.summary}</div>}
                  {r.alerts.length > 0 && (
                    <table class="alert-instances">
                      <thead>
                        <tr><th>State</th><th>Labels</th><th>Value</th><th>Active since</th></tr>
                      </thead>
                      <tbody>
                        {r.alerts.map((a) => (
                          <tr key={labelText(a.labels)} data-state={a.state}>
                            <td><span class={`state ${a.state}`}>{a.state}</span></td>
                            <td><code>{labelText(a.labels) || '–'}</code></td>
                            <td>{a.value}</td>
                            <td title={a.activeAt}>{ago(a.activeAt, now)}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  )}
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>
    </div>
  );
}
