/**
 * The ruler: rule files evaluated by the server, alerts delivered.
 *
 *   rule_files ─► loadRuleFiles ─► groups ─► one timer per group (interval)
 *      each tick: for each rule, within the query deadline:
 *         evaluateRule (store's LogReader) ─► stepAlerts (pending/firing/resolved)
 *         ─► sample lines for active series
 *      then: needsSending? ─► Notifier: Alertmanager v2 (every resend_delay)
 *            webhookNeedsSending? ─► webhooks (changes, repeat_interval; undone if not delivered)
 *      ─► state file
 *
 *   reload (SIGHUP, POST /api/v1/rules/reload): load anew; on a mistake keep
 *   the running rules; alerts of rules that stay (same file, group, name and
 *   labels: load-rule-file.ts ruleKeys) keep their state.
 *
 * Evaluation only reads the store (reader threads on SQLite, the cluster on
 * Elasticsearch), so a slow rule delays its own group, never ingest.
 */
import type { FastifyBaseLogger } from 'fastify';
import { collectingLeftOut, type AnswerWarning, type LogReader } from '@logship/query/core';
import type { Registry } from 'prom-client';
import type { AlertingConfig } from './alerting-config.js';
import { fingerprint, needsSending, raiseAlerts, stepAlerts, webhookNeedsSending, type ActiveSeries, type AlertInstance, type WebhookNotice } from './alert-state.js';
import { evaluateRule, sampleLines } from './evaluate-rule.js';
import { loadRuleFiles } from './load-rule-files.js';
import { Notifier, targetLabel, type NotifierTarget, type PostableAlert } from './notifier.js';
import { formatDuration } from './parse-duration.js';
import { renderTemplate } from './render-template.js';
import type { AlertRule, RuleGroup } from './rule-types.js';
import { createRulerMetrics, type RulerMetrics } from './ruler-metrics.js';
import { StateFile, type SavedStates } from './state-file.js';
import { rulesErrors as errors } from './rules-errors.js';
import { withDeadline } from './with-deadline.js';
import { firesOnPart, partialError, readingWhole } from './rule-left-out.js';

/** setTimeout's longest delay. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface RulerOptions {
  ruleFiles: readonly string[];
  alerting: AlertingConfig;
  savedQueries: Readonly<Record<string, string>>;
  reader: LogReader;
  dataDir: string;
  registry: Registry;
  logger?: FastifyBaseLogger;
  now?: () => number;
}

export interface RuleRuntime {
  rule: AlertRule;
  alerts: Map<string, AlertInstance>;
  health: 'ok' | 'err' | 'unknown';
  lastError: string | null;
  lastEvaluation: number | null;
  evaluationTime_s: number;
  /** The largest value of the last evaluation (null: no series). */
  lastValue: number | null;
  /** What the last evaluation's reads left out (rule-left-out.ts); empty when it read the whole window. */
  warnings: AnswerWarning[];
}

interface GroupRuntime {
  group: RuleGroup;
  rules: RuleRuntime[];
  lastEvaluation: number | null;
  evaluationTime_s: number;
  timer: NodeJS.Timeout | null;
  running: Promise<void> | null;
}

export class Ruler {
  readonly metrics: RulerMetrics;
  private groups: GroupRuntime[] = [];
  private readonly notifier: Notifier;
  private readonly stateFile: StateFile;
  private readonly now: () => number;
  private externalUrl: string;
  private started = false;
  private stopped = false;
  /** Aborts evaluations in flight when the server stops, so shutdown does not wait out a query deadline. */
  private readonly stopping = new AbortController();

  constructor(private readonly opts: RulerOptions) {
    this.now = opts.now ?? Date.now;
    this.metrics = createRulerMetrics(opts.registry);
    const a = opts.alerting;
    const targets: NotifierTarget[] = [
      ...a.alertmanager.urls.map((url) => ({ kind: 'alertmanager' as const, url, timeout_ms: a.alertmanager.timeout_ms })),
      ...a.webhooks.map((w) => ({ kind: 'webhook' as const, url: w.url, timeout_ms: w.timeout_ms })),
    ];
    this.notifier = new Notifier({ targets, metrics: this.metrics, ...(opts.logger ? { logger: opts.logger } : {}) });
    this.stateFile = new StateFile(opts.dataDir);
    this.externalUrl = a.external_url ?? '';
    // Loaded now so that a broken rule file stops the server from starting.
    this.install(this.load());
  }

  get configured(): boolean {
    return this.opts.ruleFiles.length > 0;
  }

  /** Restores saved alert states, then evaluates every group now and at its interval. */
  async start(serverUrl: string): Promise<void> {
    if (!this.opts.alerting.external_url) this.externalUrl = serverUrl;
    let saved: SavedStates = {};
    let downtime_ms = 0;
    try {
      const doc = await this.stateFile.read();
      saved = doc.rules;
      if (doc.savedAt !== null) downtime_ms = Math.max(0, this.now() - doc.savedAt);
    } catch (err) {
      this.opts.logger?.error({ err, path: this.stateFile.path }, 'The saved alert states cannot be read; alerts start from inactive.');
    }
    for (const g of this.groups) {
      for (const r of g.rules) {
        // A state file from before rules were keyed by name and labels names
        // them by position: take those only for a rule of the same alert name.
        const states = saved[r.rule.key] ?? (saved[r.rule.legacyKey] ?? []).filter((a) => a.labels.alertname === r.rule.name);
        for (const a of states) {
          // A pending alert counts its `for` only over time the condition was
          // seen to hold: the downtime moves its start forward, as Prometheus's
          // RestoreForState does. Else one pending for a minute before a
          // three-hour stop fired at the first evaluation after it.
          if (a.state === 'pending') a.activeAt += downtime_ms;
          r.alerts.set(a.fingerprint, a);
        }
      }
    }
    this.started = true;
    for (const g of this.groups) this.schedule(g, 0);
  }

  /** Re-reads the rule files; throws (and keeps the running rules) on a mistake. */
  reload(): { groups: number; rules: number } {
    if (!this.configured) throw errors.rulesDisabled();
    let loaded: RuleGroup[];
    try {
      loaded = this.load();
    } catch (err) {
      this.metrics.reloads.inc({ result: 'failure' });
      this.metrics.lastReloadSuccessful.set(0);
      throw err;
    }
    this.metrics.reloads.inc({ result: 'success' });
    this.install(loaded);
    return { groups: loaded.length, rules: loaded.reduce((n, g) => n + g.rules.length, 0) };
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.stopping.abort(new Error('the server is stopping'));
    for (const g of this.groups) if (g.timer) clearTimeout(g.timer);
    await Promise.all(this.groups.map((g) => g.running));
    await this.notifier.stop();
    if (this.started) await this.persist();
  }

  get groupRuntimes(): readonly { group: RuleGroup; rules: readonly RuleRuntime[]; lastEvaluation: number | null; evaluationTime_s: number }[] {
    return this.groups;
  }

  private load(): RuleGroup[] {
    const { groups, emptyGlobs } = loadRuleFiles(this.opts.ruleFiles, {
      defaultInterval_ms: this.opts.alerting.evaluation_interval_ms,
      savedQueries: this.opts.savedQueries,
    });
    for (const glob of emptyGlobs) this.opts.logger?.warn({ glob }, `The rule_files glob "${glob}" matches no file.`);
    return groups;
  }

  private install(loaded: RuleGroup[]): void {
    const previous = new Map<string, RuleRuntime>();
    for (const g of this.groups) {
      if (g.timer) clearTimeout(g.timer);
      g.timer = null;
      for (const r of g.rules) previous.set(r.rule.key, r);
    }
    const old = this.groups;
    const kept = new Set<string>();
    this.groups = loaded.map((group) => ({
      group,
      rules: group.rules.map((rule) => {
        const prev = previous.get(rule.key);
        if (prev) kept.add(rule.key);
        return prev
          ? { ...prev, rule }
          : { rule, alerts: new Map(), health: 'unknown' as const, lastError: null, lastEvaluation: null, evaluationTime_s: 0, lastValue: null, warnings: [] };
      }),
      lastEvaluation: old.find((o) => o.group.name === group.name)?.lastEvaluation ?? null,
      evaluationTime_s: 0,
      timer: null,
      running: null,
    }));
    this.metrics.rules.set(loaded.reduce((n, g) => n + g.rules.length, 0));
    this.metrics.lastReloadSuccessful.set(1);
    this.metrics.lastReloadSuccess.set(this.now() / 1000);
    // As Prometheus deletes a removed group's series: a last-evaluation
    // timestamp left behind never moves again, so the usual "rule group
    // stalled" alert fires for a group that no longer exists, and the
    // alerts gauge kept counting the removed rules' alerts.
    this.resolveRemoved(old, kept);
    const keptGroups = new Set(loaded.map((g) => g.name));
    for (const o of old) {
      if (keptGroups.has(o.group.name)) continue;
      const labels = { rule_group: o.group.name };
      for (const m of [this.metrics.lastEvaluation, this.metrics.evaluations, this.metrics.evaluationFailures, this.metrics.evaluationsPartial, this.metrics.evaluationDuration, this.metrics.seriesDropped]) m.remove(labels);
    }
    this.updateAlertGauge();
    if (this.started && !this.stopped) for (const g of this.groups) this.schedule(g, 0);
    this.opts.logger?.info(
      { groups: loaded.length, rules: loaded.reduce((n, g) => n + g.rules.length, 0) },
      `Loaded ${loaded.length} rule groups.`,
    );
  }

  /**
   * Tells the receivers that the alerts of rules a reload removed have
   * resolved. Alertmanager would resolve them by itself once their endsAt
   * passed, but a webhook has no endsAt: a chat channel kept a removed
   * rule's alert firing for ever. Sent once; the rules are then forgotten.
   */
  private resolveRemoved(old: readonly GroupRuntime[], kept: ReadonlySet<string>): void {
    if (!this.started || this.stopped) return;
    const now = this.now();
    for (const g of old) {
      const removed = g.rules.filter((r) => !kept.has(r.rule.key));
      let any = false;
      for (const r of removed) {
        for (const alert of r.alerts.values()) {
          if (alert.state !== 'firing') continue;
          alert.state = 'inactive';
          alert.resolvedAt = now;
          any = true;
        }
      }
      if (any) this.sendAlerts({ ...g, rules: removed, timer: null, running: null }, now);
    }
  }

  private schedule(g: GroupRuntime, delay: number): void {
    if (this.stopped || !this.groups.includes(g)) return;
    // setTimeout takes a delay past ~24.8 days as 1 ms: an `interval: 30d`
    // group would be evaluated without pause. Such a group waits the maximum.
    g.timer = setTimeout(() => {
      g.timer = null;
      const started = this.now();
      g.running = this.evaluateGroup(g)
        .catch((err: unknown) => this.opts.logger?.error({ err, group: g.group.name }, 'Evaluating a rule group failed.'))
        .finally(() => {
          g.running = null;
          this.schedule(g, Math.max(0, started + g.group.interval_ms - this.now()));
        });
    }, Math.min(delay, MAX_TIMER_MS));
  }

  private async evaluateGroup(g: GroupRuntime): Promise<void> {
    const started = this.now();
    const name = g.group.name;
    for (const r of g.rules) {
      if (this.stopped) break;
      await this.evaluateRuleRuntime(g, r);
    }
    const finished = this.now();
    g.lastEvaluation = started;
    g.evaluationTime_s = (finished - started) / 1000;
    // An evaluation a reload removed the group during must not bring its series back.
    if (this.groups.some((x) => x.group.name === name)) {
      this.metrics.evaluationDuration.observe({ rule_group: name }, g.evaluationTime_s);
      this.metrics.lastEvaluation.set({ rule_group: name }, started / 1000);
    }
    this.sendAlerts(g, finished);
    this.updateAlertGauge();
    await this.persist();
  }

  private async evaluateRuleRuntime(g: GroupRuntime, r: RuleRuntime): Promise<void> {
    const rule = r.rule;
    const now = this.now();
    const group = g.group.name;
    this.metrics.evaluations.inc({ rule_group: group });
    try {
      const reader = this.opts.reader;
      const evaluated = await withDeadline(rule, this.opts.alerting.query_timeout_ms, this.stopping.signal, async (signal) => {
        // Every read of the window with a left-out list: a partial answer is said, not taken as the whole (rule-left-out.ts).
        const { result: res, warnings } = await readingWhole(reader, { from: now - rule.window_ms, to: now }, () =>
          evaluateRule(rule, { reader, now, signal, maxSeries: this.opts.alerting.max_series_per_rule }));
        if (res.dropped > 0) this.metrics.seriesDropped.inc({ rule_group: group }, res.dropped);
        r.lastValue = res.series.length === 0 ? null : Math.max(...res.series.map((s) => s.value));
        const out: ActiveSeries[] = [];
        if (warnings.length > 0 && !firesOnPart(rule)) return { out, warnings };
        for (const s of res.series) {
          if (!s.active) continue;
          const labels = { ...s.labels, ...renderLabels(rule, s.value, s.labels), alertname: rule.name };
          const annotations: Record<string, string> = {};
          for (const [k, v] of Object.entries(rule.annotations)) annotations[k] = renderTemplate(v, s.value, labels);
          if (rule.sampleLines > 0) {
            // Illustration only: lines from what could be read (a locked partition does not fail the rule).
            const samples = await collectingLeftOut([], () => sampleLines(reader, rule, s.filter, now, signal));
            if (samples) annotations.samples = samples;
          }
          out.push({ labels, annotations, value: s.value });
        }
        return { out, warnings };
      });
      r.warnings = evaluated.warnings;
      if (evaluated.warnings.length > 0) {
        // Neither fired nor resolved on missing events: the states stay, as for a failed read.
        this.metrics.evaluationsPartial.inc({ rule_group: group });
        r.health = 'err';
        const firesOnly = firesOnPart(rule);
        if (firesOnly) raiseAlerts(r.alerts, evaluated.out, rule, now);
        r.lastError = partialError(evaluated.warnings, firesOnly);
        this.opts.logger?.warn(
          { group, rule: rule.name, warnings: evaluated.warnings },
          firesOnly
            ? `Evaluating rule "${rule.name}" read only part of its window; it resolves nothing until it reads the whole (what it read can still fire it).`
            : `Evaluating rule "${rule.name}" read only part of its window; its alerts keep their state.`,
        );
      } else {
        stepAlerts(r.alerts, evaluated.out, rule, now);
        r.health = 'ok';
        r.lastError = null;
      }
    } catch (err) {
      if (this.stopped) return;
      // The states stay as they were: a store hiccup neither fires nor resolves anything.
      this.metrics.evaluationFailures.inc({ rule_group: group });
      r.health = 'err';
      r.warnings = [];
      r.lastError = `${(err as Error).message}${codeOf(err)}`;
      this.opts.logger?.warn({ err, group, rule: rule.name }, `Evaluating rule "${rule.name}" failed; its alerts keep their state.`);
    }
    r.lastEvaluation = now;
    r.evaluationTime_s = (this.now() - now) / 1000;
  }

  private sendAlerts(g: GroupRuntime, now: number): void {
    const a = this.opts.alerting;
    // As Prometheus: a firing alert's endsAt lies a few intervals ahead, so
    // Alertmanager resolves it by itself if this server goes away.
    const validFor = 4 * Math.max(a.resend_delay_ms, g.group.interval_ms);
    const batch: PostableAlert[] = [];
    // Keyed without credentials: the keys are written to the state file.
    const webhookKeys = a.webhooks.map((w) => targetLabel(w.url));
    const hooks = a.webhooks.map(() => ({ alerts: [] as PostableAlert[], told: [] as { alert: AlertInstance; notice: WebhookNotice; previous: WebhookNotice | undefined }[] }));
    for (const r of g.rules) {
      for (const alert of r.alerts.values()) {
        if (needsSending(alert, now, a.resend_delay_ms)) {
          alert.lastSentAt = now;
          if (alert.state === 'firing') alert.validUntil = now + validFor;
          batch.push(this.postable(alert, r.rule, now, validFor));
        }
        webhookKeys.forEach((key, i) => {
          const notice = webhookNeedsSending(alert, key, now, (a.webhooks[i] as (typeof a.webhooks)[number]).repeat_interval_ms);
          if (!notice) return;
          const hook = hooks[i] as (typeof hooks)[number];
          hook.alerts.push(this.postable(alert, r.rule, now, validFor));
          hook.told.push({ alert, notice, previous: alert.webhooks?.[key] });
          // Noted at once, so the evaluations while it is in flight do not send it again.
          (alert.webhooks ??= {})[key] = notice;
        });
      }
    }
    this.notifier.send(g.group.name, batch);
    webhookKeys.forEach((key, i) => {
      const hook = hooks[i] as (typeof hooks)[number];
      this.notifier.sendWebhook(i, g.group.name, hook.alerts, hook.told.map((t) => t.notice.state), (delivered) => {
        if (delivered) return;
        // Not received: what the webhook was told before stands, so the next evaluation sends it again.
        for (const { alert, notice, previous } of hook.told) {
          if (alert.webhooks?.[key] !== notice) continue;
          if (previous) alert.webhooks[key] = previous;
          else delete alert.webhooks[key];
        }
      });
    });
  }

  private postable(alert: AlertInstance, rule: AlertRule, now: number, validFor: number): PostableAlert {
    return {
      labels: alert.labels,
      annotations: alert.annotations,
      startsAt: new Date(alert.firedAt ?? alert.activeAt).toISOString(),
      endsAt: new Date(alert.state === 'inactive' ? (alert.resolvedAt ?? now) : (alert.validUntil ?? now + validFor)).toISOString(),
      generatorURL: this.generatorUrl(rule),
    };
  }

  /** The search page with the rule's query over its window. */
  generatorUrl(rule: AlertRule): string {
    const q = new URLSearchParams({ q: rule.query, from: `now-${formatDuration(rule.window_ms)}`, to: 'now' });
    return `${this.externalUrl}/?${q.toString()}`;
  }

  private updateAlertGauge(): void {
    const counts = { pending: 0, firing: 0 };
    for (const g of this.groups) for (const r of g.rules) for (const a of r.alerts.values()) if (a.state !== 'inactive') counts[a.state]++;
    this.metrics.alerts.set({ state: 'pending' }, counts.pending);
    this.metrics.alerts.set({ state: 'firing' }, counts.firing);
  }

  private async persist(): Promise<void> {
    const states: SavedStates = {};
    for (const g of this.groups) {
      for (const r of g.rules) if (r.alerts.size > 0) states[r.rule.key] = [...r.alerts.values()];
    }
    try {
      await this.stateFile.write(states, this.now());
    } catch (err) {
      this.opts.logger?.error({ err, path: this.stateFile.path }, 'Saving the alert states failed; a restart now would start them over.');
    }
  }
}

function renderLabels(rule: AlertRule, value: number, groupLabels: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(rule.labels)) out[k] = renderTemplate(v, value, groupLabels);
  return out;
}

/** An error's message suffix naming its code, if it has one. */
export function codeOf(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? ` (${code})` : '';
}

export { fingerprint };
