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
  }
}
