/**
 * The shared LogStore contract suite against a real Elasticsearch.
 */
import { test } from 'node:test';
import { runLogStoreContract } from '../store/contract/run-log-store-contract.js';
import { ES_SKIP_REASON, esTestUrl, openTestStore } from './es-test-env.js';

const url = esTestUrl();
if (url) {
  runLogStoreContract('elasticsearch', (opts) => openTestStore(url, { retention: opts.retention, now: opts.now }));
} else {
  test('LogStore contract: elasticsearch', { skip: ES_SKIP_REASON }, () => {});
}
