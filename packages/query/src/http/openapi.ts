import swagger from '@fastify/swagger';
import type { FastifyInstance, FastifySchema, RouteOptions } from 'fastify';
import type { OpenApiExtra } from './route-config.js';
import './route-config.js';

/** Every error of ours: `{ "error": { "code", "message", ...details } }` (api-error.ts, the ingest room's errors). */
export const ERROR_BODY_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      additionalProperties: true,
      properties: {
        code: { type: 'string', pattern: '^LS_[A-Z0-9_]+$', description: 'Stable error code (docs/ERRORS.md)' },
        message: { type: 'string' },
      },
    },
  },
} as const;

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: ERROR_BODY_SCHEMA } } });

/**
 * What any route may answer besides its own answers: a refusal of the
 * request (bad parameters or body, no or a wrong token, rate limits, an
 * unknown name, a body too large) and unavailability (shutting down, the
 * store unavailable, too many queries; with Retry-After). A 500 is a bug
 * and is not documented: a client should never see one.
 */
export const DEFAULT_ERROR_RESPONSES = {
  '4XX': errorResponse('The request is refused; the code says why (docs/ERRORS.md)'),
  '503': errorResponse('Unavailable for now (shutting down, the store unavailable, too many queries): retry after Retry-After'),
} as const;

/** An operation key (`x-` keys are copied into the operation) saying its body may be left out. */
const BODY_OPTIONAL = 'x-logship-body-optional';

/**
 * A route's schema as the document shows it: its own, with the extra of
 * its `config.openapi` and the default error answers. The route's real
 * schema (validation, serialization) is left as it is.
 */
export function documentedSchema(
  schema: FastifySchema | undefined,
  config: { openapi?: OpenApiExtra; largest?: Readonly<Record<string, number>>; scope?: string } | undefined,
): FastifySchema {
  const extra = config?.openapi;
  // The largest value a handler takes (route-config.ts `largest`) is the
  // parameter's documented maximum: the handler refuses more itself, saying how to get more.
  const params: Record<string, Record<string, unknown>> = { ...extra?.params };
  for (const [name, maximum] of Object.entries(config?.largest ?? {})) params[name] = { ...params[name], maximum };
  const own = (schema ?? {}) as FastifySchema & { consumes?: readonly string[] };
  const successes = Object.keys({ ...(own.response as object | undefined), ...extra?.response }).some((status) => status.startsWith('2'));
  const response = {
    // What @fastify/swagger writes for a route that documents no answer.
    ...(successes ? {} : { 200: { description: 'Default Response' } }),
    ...DEFAULT_ERROR_RESPONSES,
    ...(own.response as Record<string, unknown> | undefined),
    ...extra?.response,
  };
  const out: Record<string, unknown> = { ...own, response };
  // A route with a scope needs a token once auth.tokens are configured (401 without one, 403 without the scope).
  if (config?.scope) out['security'] = [{ bearer: [] }];
  if (extra?.body) out['body'] = extra.body;
  // @fastify/swagger marks every documented body required; transformObject below reads this mark.
  if (extra?.bodyRequired === false) out[BODY_OPTIONAL] = true;
  if (extra?.consumes) out['consumes'] = extra.consumes;
  // @fastify/swagger makes each property a header parameter; here for the document only (transform).
  if (extra?.headers) out['headers'] = { type: 'object', properties: { ...extra.headers } };
  for (const part of ['querystring', 'body'] as const) {
    const given = own[part] as { properties?: Record<string, Record<string, unknown>> } | undefined;
    if (!given?.properties) continue;
    const properties = { ...given.properties };
    for (const [name, narrowed] of Object.entries(params)) if (properties[name]) properties[name] = { ...properties[name], ...narrowed };
    out[part] = { ...given, properties };
  }
  return out as FastifySchema;
}

/**
 * Collects every route's schema into an OpenAPI 3 document served at
 * GET /api/v1/openapi.json. Register it on the root app before any route,
 * so its onRoute hook sees them all (ingest, query API, health, metrics).
 */
export async function registerOpenApi(app: FastifyInstance, opts: { version: string }): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'logship API',
        version: opts.version,
        description: 'Ingest NDJSON log events, search and aggregate them with the logship query language, follow them live.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    transform: ({ schema, url, route }) => ({
      schema: documentedSchema(schema, (route as RouteOptions).config),
      url,
    }),
    // An answer without a body (204) has no content; @fastify/swagger gives every answer one.
    // A body the route takes left out too is not required (it marks every body required).
    transformObject: (documents) => {
      type Operation = { responses?: Record<string, { content?: unknown }>; requestBody?: { required?: boolean }; [BODY_OPTIONAL]?: true };
      const doc = (documents as { openapiObject: { paths?: Record<string, Record<string, Operation>> } }).openapiObject;
      for (const ops of Object.values(doc.paths ?? {})) {
        for (const op of Object.values(ops)) {
          if (op.responses?.['204']) delete op.responses['204'].content;
          if (op[BODY_OPTIONAL]) {
            if (op.requestBody) op.requestBody.required = false;
            delete op[BODY_OPTIONAL];
          }
        }
      }
      return doc;
    },
  });
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
