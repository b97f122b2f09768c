import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appHarness, ndjson, nginxLine, pythonLine } from '../testing/app-harness.js';

test('metrics: ingest counters by reason, partition sizes, HTTP requests', async () => {
  const h = await appHarness();
  try {
    await h.logship.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: ndjson(pythonLine, nginxLine, '{oops') });
    // A retry of a line (in its own request: twins in one request are distinct events).
    await h.logship.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: ndjson(pythonLine) });
    const res = await h.logship.app.inject({ method: 'GET', url: '/metrics' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/plain/);
    const text = res.body;
    assert.match(text, /^logship_ingest_events_received_total 4$/m);
    assert.match(text, /^logship_ingest_events_stored_total 2$/m);
    assert.match(text, /^logship_ingest_events_duplicate_total 1$/m);
    assert.match(text, /^logship_ingest_events_rejected_total\{reason="LS_INGEST_LINE_NOT_JSON"\} 1$/m);
    assert.match(text, /^logship_ingest_events_normalized_total\{format="nginx"\} 1$/m);
    assert.match(text, /^logship_ingest_batch_duration_seconds_count 2$/m);
    assert.match(text, /^logship_store_partition_bytes\{partition="[^"]+",class="errors",day="2026-02-08"\} [1-9]\d*$/m);
    assert.match(text, /^logship_http_requests_total\{method="POST",route="\/api\/v1\/ingest",status_code="200"\} 2$/m);
    assert.match(text, /^logship_retention_runs_total 0$/m);
  } finally {
    await h.close();
  }
});
