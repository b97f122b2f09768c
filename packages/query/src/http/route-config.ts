/**
 * Type augmentations every route file of the API imports: the `scope` a
 * route requires (the server's auth hook enforces it) and the OpenAPI fields
 * (`summary`, `description`, `tags`) that @fastify/swagger reads.
 */
import '@fastify/swagger';

export type Scope = 'read' | 'write';

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
  }
}
