import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, parseDuration } from './parse-duration.js';
import { checkTemplate, prometheusValue, renderTemplate } from './render-template.js';

test('{{ $value }} and {{ $labels.NAME }} render in both spellings', () => {
  const labels = { host: 'web-1' };
  assert.equal(renderTemplate('{{ $value }} errors on {{ $labels.host }}', 63, labels), '63 errors on web-1');
  assert.equal(renderTemplate('{{.Value}} on {{ .Labels.host }}{{ $labels.nope }}', 0.012345, labels), '0.0123 on web-1');
  assert.equal(renderTemplate('{{ $value | humanize }}', 1.5, labels), '1.5');
  assert.equal(checkTemplate('{{ $value }} {{ $labels.host }}'), null);
  assert.match(checkTemplate('{{ range $x }}') ?? '', /only/);
});

test('humanize, humanizePercentage and humanizeDuration write what Prometheus writes', () => {
  const r = (t: string, v: number) => renderTemplate(t, v, {});
  assert.equal(r('{{ $value | humanize }}', 1234567), '1.235M');
  assert.equal(r('{{ $value | humanize }}', 63), '63');
  assert.equal(r('{{ $value | humanize }}', 0.0012), '1.2m');
  assert.equal(r('{{ $value | humanize }}', 0), '0');
  assert.equal(r('{{ $value | humanizePercentage }} of requests', 0.0123), '1.23% of requests');
  assert.equal(r('{{ .Value | humanizePercentage }}', 0.5), '50%');
  assert.equal(r('{{ $value | humanizeDuration }}', 90), '1m 30s');
  assert.equal(r('{{ $value | humanizeDuration }}', 90_061), '1d 1h 1m 1s');
  assert.equal(r('{{ $value | humanizeDuration }}', 3.5), '3.5s');
  assert.equal(r('{{ $value | humanizeDuration }}', 0.25), '250ms');
  assert.equal(checkTemplate('{{ $value | humanizePercentage }} {{ $value | humanizeDuration }}'), null);
  assert.match(checkTemplate('{{ $value | printf "%.2f" }}') ?? '', /humanizePercentage/);
});

test('alert values in the API are written as Go writes %e', () => {
  assert.equal(prometheusValue(12), '1.2e+01');
  assert.equal(prometheusValue(0.01), '1e-02');
  assert.equal(prometheusValue(1234567), '1.234567e+06');
  assert.equal(prometheusValue(0), '0e+00');
});

test('durations: Prometheus spellings', () => {
  assert.equal(parseDuration('90s'), 90_000);
  assert.equal(parseDuration('1h30m'), 5_400_000);
  assert.equal(parseDuration('500ms'), 500);
  assert.equal(parseDuration('2d'), 172_800_000);
  assert.equal(parseDuration('0'), 0);
  for (const bad of ['', '5', '5 m', 'm5', '30m1h', '1.5m']) assert.equal(parseDuration(bad), null, bad);
  assert.equal(formatDuration(300_000), '5m');
  assert.equal(formatDuration(90_000), '1m30s');
});
