/**
 * How many distinct values a terms aggregation of the embedded stores may
 * count. Exact terms hold every distinct value of the range in memory
 * until the end (a near-unique field such as a request id: 3.3M values
 * and ~500 MiB at 10M events over 7 days); past this many the store
 * answers TOO_MANY_TERMS (400) instead of growing a reader thread's heap
 * until V8 stops the whole server. The fields API then counts the newest
 * events instead (field-values.ts), as it does for free text.
 */
export const MAX_TERMS_KEYS = 1_000_000;

/** The store error code (ingest's store-error.ts) of a terms aggregation past its limit. */
export const TOO_MANY_TERMS = 'LS_STORE_TOO_MANY_TERMS';
