/**
 * What the OpenAPI document says of the other shippers' routes (their
 * `config.openapi`, documentation only: the routes read their bodies
 * themselves). Each protocol answers its refusals in its own shape, not
 * ours: Elasticsearch's error document, Loki's plain text, OTLP's
 * google.rpc.Status. docs/PROTOCOLS.md has the details.
 */
import type { OpenApiExtra } from '@logship/query';

const refusedAs = (description: string, content: Record<string, unknown>) => ({
  '4XX': { description: `The request is refused: ${description}`, content },
  '503': { description: `Unavailable for now (shutting down, the store unavailable): retry after Retry-After; ${description}`, content },
});

/** `{ error: { root_cause, type, reason }, status }`; a wrong method's 405 has `error` as text, as Elasticsearch answers. */
const ES_ERROR = {
  type: 'object',
  required: ['error', 'status'],
  properties: {
    error: { anyOf: [{ type: 'string' }, { type: 'object', required: ['type', 'reason'], properties: { type: { type: 'string' }, reason: { type: 'string' } } }] },
    status: { type: 'integer' },
  },
} as const;

const ES_REFUSALS = refusedAs("Elasticsearch's error document, with our code as `logship.code`", { 'application/json': { schema: ES_ERROR } });

/** The Elasticsearch probes (`/es/`, `_license`, `_xpack`). */
export const esProbeOpenApi: OpenApiExtra = { response: ES_REFUSALS };

export const esBulkOpenApi: OpenApiExtra = {
  consumes: ['application/x-ndjson', 'application/json'],
  body: { type: 'string', description: 'Action and document lines (index or create), NDJSON, optionally Content-Encoding: gzip' },
  response: {
    200: {
      description: 'Each item as Elasticsearch answers it; errors is true when one was refused',
      content: {
        'application/json': {
          schema: {
            type: 'object',
            required: ['took', 'errors', 'items'],
            properties: { took: { type: 'integer' }, errors: { type: 'boolean' }, items: { type: 'array', items: { type: 'object' } } },
          },
        },
      },
    },
    ...ES_REFUSALS,
  },
};

const LOKI_TEXT = { 'text/plain': { schema: { type: 'string' } } };

/** Loki's JSON push body; the protobuf one (snappy-compressed) is `logproto.PushRequest`. */
const LOKI_JSON_PUSH = {
  type: 'object',
  required: ['streams'],
  properties: {
    streams: {
      type: 'array',
      items: {
        type: 'object',
        required: ['values'],
        properties: {
          // Loki's JSON push takes any JSON value as a label value, as its text (`{"port": 8080}` is port="8080");
          // no labels (absent, null, {}) is Loki 3's service_name="unknown_service".
          stream: { type: 'object', nullable: true, additionalProperties: {} },
          values: {
            type: 'array',
            items: {
              type: 'array',
              minItems: 2,
              maxItems: 3,
              items: { anyOf: [{ type: 'string' }, { type: 'object', additionalProperties: { type: 'string' } }] },
              description: '[nanoseconds since the epoch as text, line, structured metadata?]',
            },
          },
        },
      },
    },
  },
} as const;

export const lokiPushOpenApi: OpenApiExtra = {
  body: {
    content: {
      'application/json': { schema: LOKI_JSON_PUSH },
      'application/x-protobuf': { schema: { type: 'string', format: 'binary', description: 'logproto.PushRequest, snappy block compressed' } },
    },
  },
  response: {
    204: { description: 'Every entry is stored (no body)' },
    ...refusedAs('plain text, `CODE: message` (a push with refused entries stores the others and names the refused ones)', LOKI_TEXT),
  },
};

export const lokiReadyOpenApi: OpenApiExtra = {
  response: { 200: { description: 'ready', content: LOKI_TEXT }, ...refusedAs('plain text', LOKI_TEXT) },
};

/** google.rpc.Status, in the request's encoding (JSON unless it was protobuf). */
const RPC_STATUS = {
  'application/json': { schema: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'integer' }, message: { type: 'string' } } } },
  'application/x-protobuf': { schema: { type: 'string', format: 'binary' } },
};

export const otlpLogsOpenApi: OpenApiExtra = {
  body: {
    content: {
      // Absent or null is an empty list, as protobuf's JSON mapping reads it.
      'application/json': { schema: { type: 'object', properties: { resourceLogs: { type: 'array', nullable: true, items: { type: 'object' } } } } },
      'application/x-protobuf': { schema: { type: 'string', format: 'binary', description: 'ExportLogsServiceRequest' } },
    },
  },
  response: {
    200: {
      description: 'ExportLogsServiceResponse, in the request\'s encoding; partialSuccess names refused records',
      content: {
        'application/json': { schema: { type: 'object', properties: { partialSuccess: { type: 'object' } } } },
        'application/x-protobuf': { schema: { type: 'string', format: 'binary' } },
      },
    },
    ...refusedAs('google.rpc.Status (code, message) in the request\'s encoding', RPC_STATUS),
  },
};
