/**
 * Prometheus's alert life cycle, per rule and per label set:
 *
 *   inactive ──condition true──► pending ──true for `for`──► firing
 *      ▲                           │ false                     │ false (past keep_firing_for)
 *      └───────────────────────────┘                           ▼
 *                                               inactive with resolvedAt: sent with endsAt,
 *                                               kept 15 min so the resolve is re-sent
 *
 * Ported from the logic of Prometheus's rules/alerting.go (Eval, needsSending)
 * so Alertmanager sees what it would see from Prometheus.
 */
export type AlertStateName = 'pending' | 'firing' | 'inactive';

export interface AlertInstance {
  fingerprint: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: AlertStateName;
  value: number;
  activeAt: number;
  firedAt: number | null;
  resolvedAt: number | null;
  lastSentAt: number | null;
  keepFiringSince: number | null;
  /** endsAt sent with a firing alert: Alertmanager resolves it by itself if we go silent. */
  validUntil: number | null;
  /** What each webhook (by URL without credentials) was last told of this alert and when; absent in state files of earlier versions. */
  webhooks?: Record<string, WebhookNotice>;
}

export interface WebhookNotice {
  state: 'firing' | 'resolved';
  at: number;
}

/** How long a resolved alert is kept (and re-sent), as in Prometheus. */
export const RESOLVED_RETENTION_MS = 15 * 60_000;

export interface ActiveSeries {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  value: number;
}

export function fingerprint(labels: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.keys(labels).sort().map((k) => [k, labels[k]]));
}

/** One evaluation's active series applied to a rule's alerts at `now`: raised as raiseAlerts does, the others resolved (or kept firing for `keep_firing_for`). */
export function stepAlerts(
  alerts: Map<string, AlertInstance>,
  active: readonly ActiveSeries[],
  rule: { for_ms: number; keep_firing_for_ms: number },
  now: number,
): void {
  const seen = raiseAlerts(alerts, active, rule, now);
  for (const [fp, a] of alerts) {
    if (seen.has(fp)) continue;
    let keepFiring = false;
    if (a.state === 'firing' && rule.keep_firing_for_ms > 0) {
      a.keepFiringSince ??= now;
      keepFiring = now - a.keepFiringSince < rule.keep_firing_for_ms;
    }
    if (a.state === 'pending' || (a.resolvedAt !== null && now - a.resolvedAt > RESOLVED_RETENTION_MS)) alerts.delete(fp);
    if (a.state !== 'inactive' && !keepFiring) {
      a.state = 'inactive';
      a.resolvedAt = now;
    }
  }
}

/**
 * The active series of an evaluation started or kept pending, firing after
 * `for`; the alerts not among them left as they are. Alone, for an
 * evaluation that read only part of its window of a rule whose value that
 * can only understate (rule-left-out.ts firesOnPart): an alert not among
 * its series may have its events in what was not read, so it is neither
 * resolved nor dropped. Returns the series' fingerprints.
 */
export function raiseAlerts(
  alerts: Map<string, AlertInstance>,
  active: readonly ActiveSeries[],
  rule: { for_ms: number },
  now: number,
): Set<string> {
  const seen = new Set<string>();
  for (const s of active) {
    const fp = fingerprint(s.labels);
    seen.add(fp);
    let a = alerts.get(fp);
    if (a && a.state !== 'inactive') {
      a.value = s.value;
      a.annotations = s.annotations;
    } else {
      a = {
        fingerprint: fp, labels: s.labels, annotations: s.annotations, state: 'pending', value: s.value,
        activeAt: now, firedAt: null, resolvedAt: null, lastSentAt: null, keepFiringSince: null, validUntil: null,
      };
      alerts.set(fp, a);
    }
    a.keepFiringSince = null;
    if (a.state === 'pending' && now - a.activeAt >= rule.for_ms) {
      a.state = 'firing';
      a.firedAt = now;
    }
  }
  return seen;
}

/** Prometheus's needsSending: firing alerts every resend delay, a resolve as soon as it happens (then again until retention ends). */
export function needsSending(a: AlertInstance, now: number, resendDelay_ms: number): boolean {
  if (a.state === 'pending') return false;
  if (a.resolvedAt !== null && (a.lastSentAt === null || a.resolvedAt > a.lastSentAt)) return true;
  if (a.state === 'inactive' && a.lastSentAt === null) return false;
  return a.lastSentAt === null || a.lastSentAt + resendDelay_ms <= now;
}

/**
 * What a webhook is sent, as Alertmanager notifies a receiver: a firing
 * alert it was not told of (or told resolved), again every repeat interval,
 * and a resolve of an alert it was told was firing, once. Sending it every
 * resend_delay, as Alertmanager is sent, posted a firing alert every minute
 * and its resolve fifteen times.
 */
export function webhookNeedsSending(a: AlertInstance, key: string, now: number, repeat_ms: number): WebhookNotice | null {
  const told = a.webhooks?.[key];
  if (a.state === 'firing') {
    if (told?.state === 'firing' && now - told.at < repeat_ms) return null;
    return { state: 'firing', at: now };
  }
  if (a.state === 'inactive' && a.resolvedAt !== null && told?.state === 'firing') return { state: 'resolved', at: now };
  return null;
}
