/**
 * Errors the query HTTP API answers with. Each has a stable code and an HTTP
 * status; the JSON body is `{ "error": { "code", "message", ...details } }`.
 */
export class ApiError extends Error {
  readonly code: string;
  readonly statusCode: number;
  readonly details: Record<string, unknown>;

  constructor(code: string, statusCode: number, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.statusCode = statusCode;
    this.details = details;
  }

  toJSON(): { error: Record<string, unknown> } {
    return { error: { code: this.code, message: this.message, ...this.details } };
  }
}

export const apiErrors = {
  badTime: (param: string, value: string, reason: string) =>
    new ApiError('LS_API_BAD_TIME', 400, `"${param}" is not a date or date math expression (${value}): ${reason}`, { param, value }),
  badRange: (from: string, to: string) =>
    new ApiError('LS_API_BAD_RANGE', 400, `"from" (${from}) is after "to" (${to})`, { from, to }),
  unknownSavedQuery: (name: string) =>
    new ApiError('LS_API_UNKNOWN_SAVED_QUERY', 404, `no saved query named "${name}"`, { name }),
  badRequest: (message: string) => new ApiError('LS_API_BAD_REQUEST', 400, message),
} as const;
