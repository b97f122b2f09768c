/**
 * The part of @logship/query a browser can load: the parser, its errors,
 * date math, the built-in saved queries and the `@name` references a query
 * makes (as the server finds them), and the field names a query uses
 * with the nearest known name to one no event has, and where a free-text
 * value that found nothing is held instead (value-elsewhere.ts). Nothing here imports Node or
 * fastify, so packages/ui bundles it to highlight queries and report syntax
 * errors before asking the server; how a live tail keeps its position; and
 * how a backwards time range is told, so the page says it as the API does.
 */
export * from './ast.js';
export * from './errors.js';
export { parse, type ParseOptions } from './parse.js';
export { resolveDate, isDateExpression, type ResolveDateOptions } from './date-math.js';
export { LEVELS, type Level, type LogEvent, type FieldValue } from './event.js';
export { BUILTIN_SAVED_QUERIES, isReferableSavedQueryName, savedQueryReferences } from './http/saved-queries.js';
export { fieldsOf } from './query-fields.js';
export { queryHints } from './query-hints.js';
export { quoteHint } from './quote-hint.js';
export { elsewhereProbe, valuesElsewhere, ELSEWHERE_SAMPLE, type ElsewhereProbe, type ValueElsewhere } from './value-elsewhere.js';
export { anyCaseQuery, caseHint, keywordEqualities, type KeywordEquality } from './case-variants.js';
export { editDistance, nearestName } from './nearest-name.js';
export { arrayElements } from './array-values.js';
export { shortSource } from './short-source.js';
export { laterTailPosition, parseTailPosition, TAIL_SKEW_MS, type CommitMark } from './tail-position.js';
export { backwardsRange, API_WORDS, type RangeWords } from './http/backwards-range.js';
