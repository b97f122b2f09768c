export { queryApiPlugin, queryErrorHandler, type QueryApiOptions } from './http/query-api-plugin.js';
export { ApiError, answerClientError, apiErrors, fromFastifyError, MAX_PATH_PARAM_LENGTH } from './http/api-error.js';
export { BUILTIN_SAVED_QUERIES, expandSavedQueries, isReferableSavedQueryName, savedQueryMap, savedQueryReferences } from './http/saved-queries.js';
export { isCommittedRef, LocalLiveFeed, type CommittedRef, type FeedEntry, type LiveFeed } from './http/live-feed.js';
export { DEFAULT_ERROR_RESPONSES, ERROR_BODY_SCHEMA, registerOpenApi } from './http/openapi.js';
export type { OpenApiExtra } from './http/route-config.js';
export { checkIntegerParams } from './http/integer-params.js';
