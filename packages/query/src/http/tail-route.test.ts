import { test } from 'node:test';
import assert from 'node:assert/strict';
import { queryApiApp, sampleEvents } from '../testing/query-api-app.js';

test('tail refuses a bad query or position with coded 400s before it starts streaming', async () => {
  const { app } = await queryApiApp(sampleEvents());
  for (const [url, code] of [
    ['/api/v1/tail?q=level:(', 'LS_QUERY_SYNTAX'],
    ['/api/v1/tail?after=not-a-position', 'LS_API_BAD_REQUEST'],
    ['/api/v1/tail?follow=1', 'LS_API_BAD_REQUEST'],
  ] as const) {
    const res = await app.inject({ method: 'GET', url });
    assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
    assert.equal(res.json().error.code, code, url);
  }
});
