/**
 * Type augmentations every route file of the API imports: the `scope` a
 * route requires (the server's auth hook enforces it) and the OpenAPI fields
 * (`summary`, `description`, `tags`) that @fastify/swagger reads.
 */
import '@fastify/swagger';

export type Scope = 'read' | 'write';

/**
 * Documentation only, never validation or serialization: `body` and
 * `consumes` describe a body the handler parses itself; `response` entries
 * replace those of the schema and of the defaults (by status key: `200`,
 * `4XX`, `503`); `params` narrows documented parameters (by name, in the
 * query string or the JSON body) where the handler, not the schema, refuses
 * the rest with a more helpful answer than the schema's.
 */
export interface OpenApiExtra {
  body?: Record<string, unknown>;
  /** False: the route takes a request without a body too (native ingest: no lines, nothing stored). */
  bodyRequired?: false;
  consumes?: readonly string[];
  response?: Readonly<Record<string, unknown>>;
  params?: Readonly<Record<string, Record<string, unknown>>>;
  /** Request headers the handler reads itself (so no schema validates them), each a JSON Schema with its description. */
  headers?: Readonly<Record<string, Record<string, unknown>>>;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Token scope this route requires when tokens are configured. */
    scope?: Scope;
    /**
     * The largest value of an integer query-string parameter whose handler
     * refuses a larger one itself (saying how to get more), so that the
     * refusal of one not written in digits states its whole range too
     * (integer-params.ts).
     */
    largest?: Readonly<Record<string, number>>;
    /**
     * What the OpenAPI document says of this route beyond the schema that
     * validates it (openapi.ts): a body the route reads itself (the
     * protocols' NDJSON, protobuf), answers in another shape than ours.
     */
    openapi?: OpenApiExtra;
  }
}
