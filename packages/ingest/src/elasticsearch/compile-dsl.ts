/**
 * Query AST → Elasticsearch query DSL (bool / term / terms / match_phrase /
 * range / wildcard / regexp / exists; never query_string, so no user text is
 * ever parsed a second time by Elasticsearch).
 *
 * Every leaf goes through planLeaf() (@logship/query fields.ts), the same
 * function the in-memory matcher evaluates, and each LeafPlan kind is
 * translated against the document layout of event-document.ts. The
 * differential test checks the two agree on generated corpora and queries.
 */
import { DEFAULT_TEXT_FIELDS, planLeaf, QueryError, type LeafPlan, type PlanOptions, type QueryNode } from '@logship/query/core';
import type { estypes } from '@elastic/elasticsearch';
import {
  BOOLEAN_PREFIX,
  booleanElements,
  booleanField,
  esFieldName,
  KEYWORD_PREFIX,
  keywordElements,
  keywordField,
  NUMBER_PREFIX,
  numberElements,
  numberField,
  OTHER_TEXT_PREFIX,
  TEXT_FIELD,
  textField,
} from './event-document.js';

export type EsQuery = estypes.QueryDslQueryContainer;

const MATCH_ALL: EsQuery = { match_all: {} };
const MATCH_NONE: EsQuery = { match_none: {} };

export function compileDsl(ast: QueryNode, opts: PlanOptions): EsQuery {
  switch (ast.type) {
    case 'match_all':
      return MATCH_ALL;
    case 'and':
      return { bool: { filter: ast.children.map((c) => compileDsl(c, opts)) } };
    case 'or':
      return { bool: { should: ast.children.map((c) => compileDsl(c, opts)), minimum_should_match: 1 } };
    case 'not':
      return { bool: { must_not: [compileDsl(ast.child, opts)] } };
    case 'field_pattern':
      // The store expands patterns over the indices' field names first (field-names.ts).
      throw new QueryError('LS_QUERY_UNSUPPORTED', `field name pattern "${ast.clause.field}" not expanded before compiling`);
    default:
      return compilePlan(planLeaf(ast, opts), opts.textFields ?? DEFAULT_TEXT_FIELDS);
  }
}

function anyOf(queries: EsQuery[]): EsQuery {
  return queries.length === 1 ? queries[0]! : { bool: { should: queries, minimum_should_match: 1 } };
}

/**
 * The field has a non-null value of some type. Not `exists` on the typed
 * copies: in an index where `@kw.exception` is not mapped but
 * `@kw.exception.type` is (one source logs `exception` as a string, another
 * `exception.type`), Elasticsearch reads `exists` on the former as "some
 * field under it exists" and matches events that only have
 * `exception.type`. A range or terms query on a field an index does not map
 * matches nothing there, as the matcher would.
 */
function exists(field: string, textFields: readonly string[]): EsQuery {
  const queries: EsQuery[] = [
    { range: { [keywordField(field)]: { gte: '' } } },
    // A string longer than the keyword's ignore_above is not indexed there;
    // Elasticsearch names the field in `_ignored` instead.
    { term: { _ignored: keywordField(field) } },
    { range: { [numberField(field)]: { gte: -Number.MAX_VALUE } } },
    { terms: { [booleanField(field)]: [true, false] } },
  ];
  if (field === '@timestamp') queries.push({ exists: { field: '@timestamp' } });
  // Text fields' tokens are there even when the value is too long for a
  // keyword (and messages stored before `@kw.message` existed have only
  // their tokens; `@text` is always mapped). A range over their tokens, not `exists`, for the reason
  // above: `@txt.exception` unmapped beside `@txt.exception.type` (both
  // default text fields) matched every event with an `exception.type`.
  if (field === 'message') queries.push({ exists: { field: TEXT_FIELD } });
  else if (textFields.includes(field)) queries.push({ range: { [textField(field)]: { gte: '' } } });
  return anyOf(queries);
}

/**
 * `_exists_:http`: the field itself, or any field under it. Every value
 * of `http.status` has a typed copy `@kw.http.status` / `@num.…` / `@bool.…`
 * (`subobjects: false`: the full name is one field), so `exists` on the
 * pattern `@kw.http.*` finds them. A name esFieldName hex-encodes
 * (`http.with space`, `ünï.code`) is `~` and the hex of its UTF-8 bytes,
 * which starts with the hex of the prefix's: `@kw.~<hex of "http.">*`.
 */
function existsAny(field: string, prefix: string, textFields: readonly string[]): EsQuery {
  const patterns = [`~${Buffer.from(prefix, 'utf8').toString('hex')}*`];
  if (esFieldName(field) === field) patterns.push(`${field}.*`);
  const under = [KEYWORD_PREFIX, NUMBER_PREFIX, BOOLEAN_PREFIX, OTHER_TEXT_PREFIX].flatMap((p) =>
    patterns.map((pattern): EsQuery => ({ exists: { field: p + pattern } })),
  );
  // Strings too long for their keyword copy (ignore_above), by their name in `_ignored`.
  const ignored = patterns.map((pattern): EsQuery => ({ wildcard: { _ignored: { value: KEYWORD_PREFIX + pattern } } }));
  return anyOf([exists(field, textFields), ...under, ...ignored]);
}

function compilePlan(plan: LeafPlan, textFields: readonly string[]): EsQuery {
  switch (plan.kind) {
    case 'all':
      return MATCH_ALL;
    case 'none':
      return MATCH_NONE;
    case 'exists':
      return exists(plan.field, textFields);
    case 'exists_any':
      return existsAny(plan.field, plan.prefix, textFields);
    case 'text_terms':
      // Tokens are indexed exactly as tokenize() produced them, and the
      // whitespace analyzer splits the query back into exactly these. With
      // best_fields, `operator: and` holds per field: every token in one
      // field, as the matcher's text_terms.
      return {
        multi_match: { query: plan.tokens.join(' '), fields: plan.fields.map(textField), type: 'best_fields', operator: 'and', analyzer: 'whitespace' },
      };
    case 'text_phrase':
      return { multi_match: { query: plan.tokens.join(' '), fields: plan.fields.map(textField), type: 'phrase', slop: 0, analyzer: 'whitespace' } };
    case 'text_wildcard':
      return anyOf(plan.fields.map((f) => ({ wildcard: { [textField(f)]: { value: plan.pattern } } })));
    case 'text_regex':
      return anyOf(plan.fields.map((f) => ({ regexp: { [textField(f)]: { value: plan.pattern, case_insensitive: true, flags: 'ALL' } } })));
    case 'level_in':
      // The exact stored value, not the normalized `level` field: the
      // reference matcher (and SQLite) match canonical names only, so a
      // stored "INFO" that bypassed ingest normalization is not `level:info`.
      return { terms: { [keywordField(plan.field)]: plan.levels } };
    case 'date_range': {
      const range: estypes.QueryDslDateRangeQuery = { format: 'epoch_millis' };
      if (plan.gte !== null) range.gte = String(plan.gte);
      if (plan.lte !== null) range.lte = String(plan.lte);
      return { range: { '@timestamp': range } };
    }
    // Keyword clauses match a value or one element of an array's JSON text (query package
    // array-values.ts): the elements are indexed beside the value (event-document.ts ELEMENT_SUFFIX).
    case 'keyword_eq': {
      const elements = plan.whole !== true;
      const options: EsQuery[] = [{ term: { [keywordField(plan.field)]: { value: plan.string } } }];
      if (elements) options.push({ term: { [keywordElements(plan.field)]: { value: plan.string } } });
      if (plan.number !== null) {
        options.push({ term: { [numberField(plan.field)]: { value: plan.number } } });
        if (elements) options.push({ term: { [numberElements(plan.field)]: { value: plan.number } } });
      }
      if (plan.boolean !== null) {
        options.push({ term: { [booleanField(plan.field)]: { value: plan.boolean } } });
        if (elements) options.push({ term: { [booleanElements(plan.field)]: { value: plan.boolean } } });
      }
      return anyOf(options);
    }
    case 'keyword_wildcard':
      return anyOf([keywordField(plan.field), keywordElements(plan.field)].map((f) => ({ wildcard: { [f]: { value: plan.pattern } } })));
    case 'keyword_regex':
      return anyOf(
        (plan.whole === true ? [keywordField(plan.field)] : [keywordField(plan.field), keywordElements(plan.field)]).map((f) => ({
          regexp: { [f]: { value: plan.pattern, flags: 'ALL' } },
        })),
      );
    case 'number_range': {
      const range: estypes.QueryDslNumberRangeQuery = {};
      if (plan.lower) range[plan.lower.inclusive ? 'gte' : 'gt'] = plan.lower.value;
      if (plan.upper) range[plan.upper.inclusive ? 'lte' : 'lt'] = plan.upper.value;
      return anyOf([numberField(plan.field), numberElements(plan.field)].map((f) => ({ range: { [f]: range } })));
    }
    case 'string_range': {
      // Keyword ranges compare UTF-8 bytes, i.e. code points, as compareCodePoints() does.
      const range: estypes.QueryDslTermRangeQuery = {};
      if (plan.lower) range[plan.lower.inclusive ? 'gte' : 'gt'] = plan.lower.value;
      if (plan.upper) range[plan.upper.inclusive ? 'lte' : 'lt'] = plan.upper.value;
      return anyOf([keywordField(plan.field), keywordElements(plan.field)].map((f) => ({ range: { [f]: range } })));
    }
  }
}
