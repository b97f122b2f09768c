/**
 * @logship/query without its HTTP routes, CLI client and test helpers: what
 * the stores and normalization need. The stores' worker threads load this,
 * not the whole package, whose HTTP part (fastify plugin, ajv) and CLI took
 * ~0.2 s of CPU at every thread's start: three threads a store, at every
 * server start and every store a test opens.
 */
export * from './ast.js';
export * from './event.js';
export * from './log-reader.js';
export * from './histogram.js';
export * from './terms-limit.js';
export * from './errors.js';
export { CodedError, type ErrorDefinition } from './define-error.js';
export * from './limits.js';
export * from './parse.js';
export { compileRegex, regexRuns } from './regex.js';
export * from './levels.js';
export * from './date-math.js';
export * from './fields.js';
export * from './field-patterns.js';
export * from './array-values.js';
export * from './query-time-range.js';
export * from './matcher.js';
export { compileWildcard, wildcardRuns } from './wildcard.js';
export { nearestName } from './nearest-name.js';
export * from './serialize.js';
export * from './search-cursor.js';
export * from './sample-fields.js';
export * from './field-values.js';
export * from './event-context.js';
export * from './group-aggregate.js';
export * from './time-param.js';
export * from './tail-position.js';
export { readStartHook, withReadStart, type ReadStartHook } from './read-start.js';
export { addLeftOut, collectingLeftOut, leftOutList, type LeftOutPartition } from './read-left-out.js';
export { agreedCut, collectingCuts, noteReadCut, readCuts, wantsReadCut } from './read-cut.js';
