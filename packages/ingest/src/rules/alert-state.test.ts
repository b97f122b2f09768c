import { test } from 'node:test';
import assert from 'node:assert/strict';
import { needsSending, RESOLVED_RETENTION_MS, stepAlerts, webhookNeedsSending, type AlertInstance } from './alert-state.js';

const series = (value: number, host = 'web-1') => [{ labels: { alertname: 'A', host }, annotations: {}, value }];

function only(alerts: Map<string, AlertInstance>): AlertInstance {
  assert.equal(alerts.size, 1);
  return [...alerts.values()][0] as AlertInstance;
}

test('inactive → pending → firing after `for`, then resolved and kept for the resolve to be re-sent', () => {
  const alerts = new Map<string, AlertInstance>();
  const rule = { for_ms: 2000, keep_firing_for_ms: 0 };
  stepAlerts(alerts, series(10), rule, 1000);
  assert.equal(only(alerts).state, 'pending');
  assert.equal(needsSending(only(alerts), 1000, 60_000), false);
  stepAlerts(alerts, series(11), rule, 2000);
  assert.equal(only(alerts).state, 'pending');
  stepAlerts(alerts, series(12), rule, 3000);
  const a = only(alerts);
  assert.equal(a.state, 'firing');
  assert.equal(a.activeAt, 1000);
  assert.equal(a.firedAt, 3000);
  assert.equal(a.value, 12);
  assert.equal(needsSending(a, 3000, 60_000), true);
  a.lastSentAt = 3000;
  assert.equal(needsSending(a, 4000, 60_000), false);
  assert.equal(needsSending(a, 63_000, 60_000), true);

  stepAlerts(alerts, [], rule, 5000);
  assert.equal(a.state, 'inactive');
  assert.equal(a.resolvedAt, 5000);
  assert.equal(needsSending(a, 5000, 60_000), true, 'a resolve is sent at once');
  a.lastSentAt = 5000;
  stepAlerts(alerts, [], rule, 5000 + RESOLVED_RETENTION_MS + 1);
  assert.equal(alerts.size, 0);
});

test('a pending alert whose condition ends is forgotten, never sent', () => {
  const alerts = new Map<string, AlertInstance>();
  const rule = { for_ms: 60_000, keep_firing_for_ms: 0 };
  stepAlerts(alerts, series(10), rule, 0);
  stepAlerts(alerts, [], rule, 1000);
  assert.equal(alerts.size, 0);
});

test('for: 0 fires at the first evaluation; a resolved alert that comes back starts anew', () => {
  const alerts = new Map<string, AlertInstance>();
  const rule = { for_ms: 0, keep_firing_for_ms: 0 };
  stepAlerts(alerts, series(10), rule, 0);
  assert.equal(only(alerts).state, 'firing');
  stepAlerts(alerts, [], rule, 1000);
  stepAlerts(alerts, series(10), rule, 2000);
  assert.equal(only(alerts).state, 'firing');
  assert.equal(only(alerts).activeAt, 2000);
});

test('keep_firing_for holds a firing alert through a gap, then resolves it', () => {
  const alerts = new Map<string, AlertInstance>();
  const rule = { for_ms: 0, keep_firing_for_ms: 3000 };
  stepAlerts(alerts, series(10), rule, 0);
  stepAlerts(alerts, [], rule, 1000);
  assert.equal(only(alerts).state, 'firing');
  assert.equal(only(alerts).keepFiringSince, 1000);
  stepAlerts(alerts, series(10), rule, 2000);
  assert.equal(only(alerts).keepFiringSince, null, 'the condition is back: the gap is over');
  stepAlerts(alerts, [], rule, 3000);
  stepAlerts(alerts, [], rule, 5000);
  assert.equal(only(alerts).state, 'firing');
  stepAlerts(alerts, [], rule, 6000);
  assert.equal(only(alerts).state, 'inactive');
  assert.equal(only(alerts).resolvedAt, 6000);
});

test('series are separate alerts by their labels', () => {
  const alerts = new Map<string, AlertInstance>();
  const rule = { for_ms: 0, keep_firing_for_ms: 0 };
  stepAlerts(alerts, [...series(10, 'web-1'), ...series(20, 'web-2')], rule, 0);
  assert.equal(alerts.size, 2);
  stepAlerts(alerts, series(10, 'web-1'), rule, 1000);
  assert.deepEqual([...alerts.values()].map((a) => [a.labels.host, a.state]), [['web-1', 'firing'], ['web-2', 'inactive']]);
});

test('a webhook is told a firing alert once, again every repeat interval, and its resolve once', () => {
  const alerts = new Map<string, AlertInstance>();
  const rule = { for_ms: 0, keep_firing_for_ms: 0 };
  const HOUR = 3_600_000;
  const url = 'http://hooks/x';
  const tell = (a: AlertInstance, now: number) => {
    const notice = webhookNeedsSending(a, url, now, 4 * HOUR);
    if (notice) (a.webhooks ??= {})[url] = notice;
    return notice?.state ?? null;
  };
  stepAlerts(alerts, series(10), { for_ms: 60_000, keep_firing_for_ms: 0 }, 0);
  assert.equal(tell(only(alerts), 0), null, 'pending: nothing');
  alerts.clear();
  stepAlerts(alerts, series(10), rule, 1000);
  const a = only(alerts);
  assert.equal(tell(a, 1000), 'firing');
  assert.equal(tell(a, 2000), null);
  assert.equal(tell(a, 1000 + 4 * HOUR - 1), null);
  assert.equal(tell(a, 1000 + 4 * HOUR), 'firing', 'reminded after repeat_interval');
  stepAlerts(alerts, [], rule, 5 * HOUR);
  assert.equal(a.state, 'inactive');
  assert.equal(tell(a, 5 * HOUR), 'resolved');
  assert.equal(tell(a, 5 * HOUR + 60_000), null, 'the resolve once');
  // A resolve the webhook was never told fired is not sent.
  const b = { ...a, webhooks: {} };
  assert.equal(webhookNeedsSending(b, url, 5 * HOUR, 4 * HOUR), null);
});
