/**
 * What the API's POST routes (search, aggregate) share: their parameters
 * come in the JSON body and nowhere else, typed as JSON.
 *
 * A query string on such a POST is refused, as GET refuses an unknown
 * parameter, rather than dropped (the caller would get an answer to another
 * question) or merged (which side would win is a guess).
 *
 * The body is validated without type coercion. fastify's validator coerces
 * (`coerceTypes`), which a query string needs (`limit=5` is text), but on
 * JSON it made `{"q":null}` a match-all and `{"q":123}` the text "123".
 */
import { Ajv } from 'ajv';
import type { FastifyRequest, FastifySchemaCompiler } from 'fastify';
import { apiErrors } from './api-error.js';

// Options as the server's validator has them, less coercion: unknown
// parameters are refused (removeAdditional off), one error at a time.
const ajv = new Ajv({ coerceTypes: false, removeAdditional: false, useDefaults: true, allErrors: false });

/** A route's `validatorCompiler` for its JSON body schema. */
export const typedJsonBody: FastifySchemaCompiler<unknown> = ({ schema }) => ajv.compile(schema as object);

/** A route's `preValidation` hook: before the body is validated, so this is the answer a mixed request gets. */
export async function refuseQueryString(req: FastifyRequest): Promise<void> {
  const names = Object.keys(req.query as Record<string, unknown>);
  if (names.length === 0) return;
  const shown = names.length > 5 ? `${names.slice(0, 5).join(', ')}, …` : names.join(', ');
  throw apiErrors.badRequest(
    `${req.method} ${req.routeOptions.url ?? ''} takes its parameters in the JSON body, not in the query string (${shown}); move them into the body or use GET`,
  );
}
