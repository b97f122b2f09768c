/** Test helpers shared with the SQLite and Elasticsearch differential tests. */
export * from './generate-query.js';
export * from './rng.js';
export * from './memory-log-reader.js';
