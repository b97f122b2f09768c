import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appHarness, ndjson, pythonLine } from '../testing/app-harness.js';

test('health: ready with a working store, 503 naming the store check once it is closed; ingest then answers 503', async () => {
  const h = await appHarness();
  try {
    const ready = await h.logship.app.inject({ method: 'GET', url: '/health/ready' });
    assert.equal(ready.statusCode, 200);
    assert.deepEqual(ready.json(), { status: 'ready', checks: { store: 'ok' } });
    assert.deepEqual((await h.logship.app.inject({ method: 'GET', url: '/health' })).json(), { status: 'healthy' });
    await h.store.close();
    const down = await h.logship.app.inject({ method: 'GET', url: '/health/ready' });
    assert.equal(down.statusCode, 503);
    assert.equal(down.json().status, 'not_ready');
    assert.notEqual(down.json().checks.store, 'ok');
    // A batch the store cannot commit is not acknowledged: 503, retryable.
    const refused = await h.logship.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: ndjson(pythonLine) });
    assert.equal(refused.statusCode, 503);
    assert.equal(refused.json().error.code, 'LS_INGEST_STORE_UNAVAILABLE');
    assert.equal(refused.headers['retry-after'], '5', 'agents are told when to retry');
  } finally {
    await h.close();
  }
});

test('health: low disk space is a warning in a ready answer, agreeing with ingest, which still succeeds', async () => {
  // A free-space floor no disk meets: the real statfs of the test folder is "low".
  const h = await appHarness({}, { minFreeBytes: Number.MAX_SAFE_INTEGER });
  try {
    const ingest = await h.logship.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: ndjson(pythonLine) });
    assert.equal(ingest.statusCode, 200, ingest.body);
    assert.equal(ingest.json().stored, 1);
    const ready = await h.logship.app.inject({ method: 'GET', url: '/health/ready' });
    assert.equal(ready.statusCode, 200, ready.body);
    assert.equal(ready.json().checks.store, 'ok');
    assert.match(ready.json().checks.disk, /bytes free/);
  } finally {
    await h.close();
  }
});
