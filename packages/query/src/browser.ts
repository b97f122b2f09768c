/**
 * The part of @logship/query a browser can load: the parser, its errors,
 * date math and the built-in saved queries. Nothing here imports Node or
 * fastify, so packages/ui bundles it to highlight queries and report syntax
 * errors before asking the server.
 */
export * from './ast.js';
export * from './errors.js';
export { parse, type ParseOptions } from './parse.js';
export { resolveDate, isDateExpression, type ResolveDateOptions } from './date-math.js';
export { LEVELS, type Level, type LogEvent, type FieldValue } from './event.js';
export { BUILTIN_SAVED_QUERIES } from './http/saved-queries.js';
