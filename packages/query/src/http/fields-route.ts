/**
 * GET /api/v1/fields and GET /api/v1/fields/NAME/values (README.md "HTTP
 * API"): what the page's field sidebar and autocomplete are built on. Limits
 * and the deadline go through the QueryGate, as for search.
 */
import './route-config.js';
import type { FastifyInstance } from 'fastify';
import { warningsField, type FieldValuesRequest, type FieldsRequest, type LogReader } from '../log-reader.js';
import { answerFieldValues } from '../field-values.js';
import { sampleFields } from '../sample-fields.js';
import { apiErrors } from './api-error.js';
import { commitMarkField, COMMIT_MARK_SCHEMA, readMarked, type CommitMarker } from './commit-mark.js';
import type { QueryCompiler } from './query-compiler.js';
import type { QueryGate } from './query-gate.js';
import { resolveTimeRange, WARNINGS_SCHEMA } from './time-range.js';

export interface FieldsRouteOptions {
  reader: LogReader;
  now: () => number;
  compile: QueryCompiler;
  gate: QueryGate;
  defaultFrom: string;
  /** Largest `size` of the values route. */
  maxValues: number;
  /** The answers' `commit_mark` (commit-mark.ts). */
  commitMark: CommitMarker;
  /** The server's text fields (`search.text_fields`), told in the fields answer. */
  textFields: readonly string[];
}

interface FieldsParams {
  q?: string;
  from?: string;
  to?: string;
}

interface ValuesParams extends FieldsParams {
  size?: number;
}

const rangeProperties = {
  q: { type: 'string', description: 'Query in the logship language; empty or * matches everything' },
  from: { type: 'string', description: 'Start of the time range: ISO date, epoch ms or date math (default now-15m)' },
  to: { type: 'string', description: 'End of the time range, inclusive (default now)' },
} as const;

const rangeSchema = {
  type: 'object',
  properties: { from: { type: 'string' }, to: { type: 'string' } },
} as const;

const countsSchema = { type: 'string', enum: ['exact', 'sampled'] } as const;

const fieldsResponse = {
  200: {
    type: 'object',
    properties: {
      range: rangeSchema,
      counts: countsSchema,
      sample_size: { type: 'integer', description: 'Events examined, when counts is sampled' },
      commit_mark: COMMIT_MARK_SCHEMA,
      warnings: WARNINGS_SCHEMA,
      text_fields: {
        type: 'array',
        items: { type: 'string' },
        description: "The fields free text searches, message first (the server's search.text_fields): a field:value clause on one of them matches words, whatever their case; on any other field but level, the exact value",
      },
      fields: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            name: { type: 'string' },
            types: { type: 'array', items: { type: 'string', enum: ['string', 'number', 'boolean', 'date'] } },
            count: { type: 'integer' },
          },
        },
      },
    },
  },
} as const;

const valuesResponse = {
  200: {
    type: 'object',
    properties: {
      range: rangeSchema,
      field: { type: 'string' },
      counts: countsSchema,
      sample_size: { type: 'integer' },
      commit_mark: COMMIT_MARK_SCHEMA,
      warnings: WARNINGS_SCHEMA,
      values: {
        type: 'array',
        items: { type: 'object', properties: { value: { type: 'string' }, count: { type: 'integer' } } },
      },
      other_count: { type: 'integer' },
      missing_count: { type: 'integer' },
    },
  },
} as const;

function isoRange(r: { from: number; to: number }): { from: string; to: string } {
  return { from: new Date(r.from).toISOString(), to: new Date(r.to).toISOString() };
}

export function registerFieldsRoutes(app: FastifyInstance, opts: FieldsRouteOptions): void {
  const config = { scope: 'read' as const };
  app.get<{ Querystring: FieldsParams }>('/api/v1/fields', {
    config,
    schema: {
      summary: 'Fields present in a time range, with their types and event counts',
      description: 'Exact when every matching event was examined; otherwise the newest events are sampled and counts scaled (counts: sampled).',
      querystring: { type: 'object', additionalProperties: false, properties: rangeProperties },
      response: fieldsResponse,
    },
  }, async (req) => {
    const now = opts.now();
    const query = opts.compile(req.query.q ?? '');
    // The query's own @timestamp bounds, as search and aggregate take them (query-time-range.ts).
    const range = resolveTimeRange(req.query.from, req.query.to, now, opts.defaultFrom, query);
    const { result, mark, leftOut } = await readMarked(opts.gate, opts.commitMark, (signal) => {
      const r: FieldsRequest = { query, ...range, now, signal };
      return opts.reader.fields ? opts.reader.fields(r) : sampleFields(opts.reader, r);
    });
    // The page reads which fields are text from here, with the fields
    // themselves: its hints for an empty answer (a value held only in another
    // case) are about keyword fields alone, and the server's list is not the
    // default one when `search.text_fields` is set.
    // The field counts leave out the partitions a search would: said as its answer says them.
    return { range: isoRange(range), ...result, text_fields: opts.textFields, ...commitMarkField(mark), ...warningsField(opts.reader, range, leftOut) };
  });

  app.get<{ Params: { name: string }; Querystring: ValuesParams }>('/api/v1/fields/:name/values', {
    config: { ...config, largest: { size: opts.maxValues } },
    schema: {
      summary: "A field's most frequent values in a time range",
      description: 'NAME is URL-encoded (field names hold dots and @). Values are keyed by their text, as terms buckets are.',
      params: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1, description: 'Field name' } } },
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          ...rangeProperties,
          size: { type: 'integer', minimum: 1, description: `Values to return (default 10; over ${opts.maxValues} is a 400 naming the maximum)` },
        },
      },
      response: valuesResponse,
    },
  }, async (req) => {
    // Said in the handler, as search's limit and terms' size: the schema's maximum answered without the param's name and maximum.
    if (req.query.size !== undefined && req.query.size > opts.maxValues) {
      throw apiErrors.overMaximum('size', req.query.size, opts.maxValues, 'values one field answers');
    }
    const now = opts.now();
    const field = req.params.name;
    const query = opts.compile(req.query.q ?? '');
    // The query's own @timestamp bounds, as search and aggregate take them (query-time-range.ts).
    const range = resolveTimeRange(req.query.from, req.query.to, now, opts.defaultFrom, query);
    const { result, mark, leftOut } = await readMarked(opts.gate, opts.commitMark, (signal) => {
      const r: FieldValuesRequest = { query, ...range, field, size: req.query.size ?? 10, now, signal };
      return opts.reader.fieldValues ? opts.reader.fieldValues(r) : answerFieldValues(opts.reader, r);
    });
    return { range: isoRange(range), field, ...result, ...commitMarkField(mark), ...warningsField(opts.reader, range, leftOut) };
  });
}
