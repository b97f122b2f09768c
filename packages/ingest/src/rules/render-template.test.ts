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
