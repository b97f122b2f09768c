/**
 * Delivery of alerts, per target, off the evaluation path:
 *
 *   group evaluated ─► send (Alertmanagers) / sendWebhook (one webhook) ─► per target queue (bounded) ─► POST
 *        Alertmanager: /api/v2/alerts, the array of postable alerts Prometheus sends
 *        webhook:      { version, status, receiver, alerts: [...] } (Alertmanager's webhook shape)
 *   a failed POST is retried with exponential backoff (counted), then dropped
 *   (counted); the next evaluation re-sends what is still firing or resolved.
 *   A webhook's batch reports back (onDone), since a webhook is sent only
 *   changes: one it never received must be sent again.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { RulerMetrics } from './ruler-metrics.js';

export interface PostableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
}

export interface NotifierTarget {
  kind: 'alertmanager' | 'webhook';
  url: string;
  timeout_ms: number;
}

export type WebhookStatus = 'firing' | 'resolved';

interface Batch {
  group: string;
  alerts: PostableAlert[];
  /**
   * A webhook's alerts' statuses, as they were when queued. Not derived
   * from endsAt at POST time: a firing alert's endsAt lies only a few
   * intervals ahead, so a delivery retried past it told "resolved".
   */
  statuses?: WebhookStatus[];
  /** Called once: delivered, or given up (retries spent, dropped from a full queue, the server stopping). */
  onDone?: (delivered: boolean) => void;
}

export interface NotifierOptions {
  targets: NotifierTarget[];
  metrics: RulerMetrics;
  logger?: FastifyBaseLogger;
  /** Attempts per batch (first try included). */
  maxAttempts?: number;
  /** First retry delay; doubled each time, capped at 10 s. */
  backoff_ms?: number;
  /** Batches waiting per target; beyond it the oldest is dropped. */
  maxQueue?: number;
}

/** A target as a metric label (and as the key of what a webhook was told, in the state file): without credentials a URL may carry. */
export function targetLabel(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return url;
  }
}

class TargetQueue {
  private readonly queue: Batch[] = [];
  private readonly label: string;
  private running: Promise<void> | null = null;
  private stopped = false;
  private wake: (() => void) | null = null;

  constructor(
    private readonly target: NotifierTarget,
    private readonly opts: Required<Omit<NotifierOptions, 'targets' | 'logger'>> & { logger?: FastifyBaseLogger },
  ) {
    this.label = targetLabel(target.url);
  }

  push(batch: Batch): void {
    if (this.stopped) {
      batch.onDone?.(false);
      return;
    }
    if (this.queue.length >= this.opts.maxQueue) {
      const old = this.queue.shift() as Batch;
      this.opts.metrics.notificationsDropped.inc({ rule_group: old.group, target: this.label }, old.alerts.length);
      old.onDone?.(false);
    }
    this.queue.push(batch);
    this.running ??= this.drain().finally(() => {
      this.running = null;
    });
  }

  private async drain(): Promise<void> {
    while (!this.stopped) {
      const batch = this.queue.shift();
      if (!batch) break;
      await this.deliver(batch);
    }
    // Batches a stop left behind were never sent.
    for (const batch of this.queue.splice(0)) batch.onDone?.(false);
  }

  private async deliver(batch: Batch): Promise<void> {
    const labels = { rule_group: batch.group, target: this.label };
    for (let attempt = 1; ; attempt++) {
      try {
        await this.post(batch);
        this.opts.metrics.notificationsSent.inc(labels, batch.alerts.length);
        batch.onDone?.(true);
        return;
      } catch (err) {
        if (attempt >= this.opts.maxAttempts || this.stopped) {
          this.opts.metrics.notificationsFailed.inc(labels, batch.alerts.length);
          this.opts.logger?.warn(
            { err, target: this.label, alerts: batch.alerts.length, attempts: attempt },
            `Sending ${batch.alerts.length} alerts of group "${batch.group}" to ${this.label} failed ${attempt} times; the next evaluation re-sends what is still active.`,
          );
          batch.onDone?.(false);
          return;
        }
        this.opts.metrics.notificationRetries.inc(labels);
        await this.sleep(Math.min(10_000, this.opts.backoff_ms * 2 ** (attempt - 1)));
      }
    }
  }

  private async post(batch: Batch): Promise<void> {
    const url = this.target.kind === 'alertmanager' ? `${this.target.url}/api/v2/alerts` : this.target.url;
    const body =
      this.target.kind === 'alertmanager'
        ? batch.alerts
        : {
            version: '4',
            receiver: 'logship',
            status: batch.statuses?.includes('firing') ? 'firing' : 'resolved',
            groupLabels: { rule_group: batch.group },
            alerts: batch.alerts.map((a, i) => ({ ...a, status: batch.statuses?.[i] ?? 'firing' })),
          };
    // fetch refuses URLs with credentials: they travel as basic auth instead.
    const target = new URL(url);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (target.username || target.password) {
      headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`).toString('base64')}`;
      target.username = '';
      target.password = '';
    }
    const res = await fetch(target, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(this.target.timeout_ms),
    });
    // Drain the body so the connection is reused.
    const text = await res.text();
    if (!res.ok) throw new Error(`HTTP ${res.status}: ${text.slice(0, 200)}`);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
  }
}

export class Notifier {
  private readonly alertmanagers: TargetQueue[];
  /** In the order of the targets given. */
  private readonly webhooks: TargetQueue[];

  constructor(opts: NotifierOptions) {
    const settings = {
      metrics: opts.metrics,
      maxAttempts: opts.maxAttempts ?? 5,
      backoff_ms: opts.backoff_ms ?? 500,
      maxQueue: opts.maxQueue ?? 100,
      ...(opts.logger ? { logger: opts.logger } : {}),
    };
    this.alertmanagers = opts.targets.filter((t) => t.kind === 'alertmanager').map((t) => new TargetQueue(t, settings));
    this.webhooks = opts.targets.filter((t) => t.kind === 'webhook').map((t) => new TargetQueue(t, settings));
  }

  get hasAlertmanagers(): boolean {
    return this.alertmanagers.length > 0;
  }

  /** To every Alertmanager. */
  send(group: string, alerts: PostableAlert[]): void {
    if (alerts.length === 0) return;
    for (const q of this.alertmanagers) q.push({ group, alerts });
  }

  /** To the `index`-th webhook, each alert with its status; `onDone` tells whether it arrived. */
  sendWebhook(index: number, group: string, alerts: PostableAlert[], statuses: WebhookStatus[], onDone: (delivered: boolean) => void): void {
    const q = this.webhooks[index];
    if (!q || alerts.length === 0) return;
    q.push({ group, alerts, statuses, onDone });
  }

  async stop(): Promise<void> {
    await Promise.all([...this.alertmanagers, ...this.webhooks].map((q) => q.stop()));
  }
}
