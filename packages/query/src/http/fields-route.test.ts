import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_TEXT_FIELDS } from '../fields.js';
import { queryApiApp, sampleEvents } from '../testing/query-api-app.js';

test('GET /api/v1/fields and /fields/NAME/values take the query\'s own @timestamp range, as search does, not the default 15 minutes', async () => {
  const { app } = await queryApiApp(sampleEvents());
  for (const q of ['@timestamp:[now-2h TO now]', '*:[now-2h TO now]']) {
    const search = (await app.inject({ method: 'GET', url: `/api/v1/search?q=${encodeURIComponent(q)}` })).json();
    const fields = (await app.inject({ method: 'GET', url: `/api/v1/fields?q=${encodeURIComponent(q)}` })).json();
    const values = (await app.inject({ method: 'GET', url: `/api/v1/fields/host/values?q=${encodeURIComponent(q)}` })).json();
    assert.deepEqual(fields.range, search.range, q);
    assert.deepEqual(values.range, search.range, q);
    // e7 (90 minutes old, status 500) is in the two hours: its status counts.
    assert.equal(fields.fields.find((f: { name: string }) => f.name === 'status').count, 5, q);
    assert.equal(values.values.find((v: { value: string }) => v.value === 'web-1').count, 4, q);
  }
});

test('GET /api/v1/fields tells the server\'s text fields: the configured ones, else the default list', async () => {
  const configured = await queryApiApp(sampleEvents(), { textFields: ['message', 'detail'] });
  const answer = (await configured.app.inject({ method: 'GET', url: '/api/v1/fields?from=now-2h' })).json();
  assert.deepEqual(answer.text_fields, ['message', 'detail']);
  const { app } = await queryApiApp(sampleEvents());
  assert.deepEqual((await app.inject({ method: 'GET', url: '/api/v1/fields?from=now-2h' })).json().text_fields, [...DEFAULT_TEXT_FIELDS]);
});
