/**
 * Integer parameters of a query string, taken only as decimal digits.
 *
 * fastify's validator coerces query-string text to a number as JavaScript
 * does (`+text`), so `limit=0x10` searched for 16 hits, `1e2` for 100, and
 * ` 5`, `+5`, `5.0` and `0b11` passed too: a typo or another tool's habit
 * answered 200 as if it had been meant. One `onRoute` hook of the plugin
 * puts this check before validation on every route whose query-string
 * schema has integer properties, so a route added later gets it too.
 * JSON bodies are typed (json-body.ts) and need none of it.
 */
import './route-config.js';
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { apiErrors } from './api-error.js';

/** Decimal digits and nothing else (leading zeros are still decimal). */
const DIGITS = /^[0-9]+$/;

interface IntegerParam {
  name: string;
  minimum?: number;
  maximum?: number;
}

/** The integer properties of a query-string schema, with their bounds. */
export function integerParams(schema: unknown): IntegerParam[] {
  if (schema === null || typeof schema !== 'object') return [];
  const properties = (schema as { properties?: unknown }).properties;
  if (properties === null || typeof properties !== 'object') return [];
  const found: IntegerParam[] = [];
  for (const [name, p] of Object.entries(properties as Record<string, { type?: unknown; minimum?: unknown; maximum?: unknown }>)) {
    if (p?.type !== 'integer') continue;
    found.push({
      name,
      ...(typeof p.minimum === 'number' ? { minimum: p.minimum } : {}),
      ...(typeof p.maximum === 'number' ? { maximum: p.maximum } : {}),
    });
  }
  return found;
}

/** What a parameter takes, in words: `1 or more`, `0 to 500`. */
function rangeWords(p: IntegerParam): string {
  const low = p.minimum ?? 0;
  return p.maximum === undefined ? `${low} or more` : `${low} to ${p.maximum}`;
}

/** A `preValidation` hook refusing any of `params` that is text but not decimal digits. */
function decimalIntegers(params: readonly IntegerParam[]) {
  return async (req: FastifyRequest): Promise<void> => {
    const query = req.query as Record<string, unknown> | null;
    if (query === null || typeof query !== 'object') return;
    for (const p of params) {
      const value = query[p.name];
      // A repeated parameter (an array) is left to the schema, which names it (api-error.ts).
      if (typeof value !== 'string' || DIGITS.test(value)) continue;
      throw apiErrors.badInteger(p.name, value, rangeWords(p));
    }
  };
}

/** Adds the decimal check to each route registered after it in `app` whose query string has integer parameters. */
export function checkIntegerParams(app: FastifyInstance): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    const largest = route.config?.largest ?? {};
    const params = integerParams(route.schema?.querystring).map((p) =>
      p.maximum === undefined && largest[p.name] !== undefined ? { ...p, maximum: largest[p.name] } : p);
    if (params.length === 0) return;
    const existing = route.preValidation === undefined ? [] : Array.isArray(route.preValidation) ? route.preValidation : [route.preValidation];
    route.preValidation = [decimalIntegers(params), ...existing];
  });
}
