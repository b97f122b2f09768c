import { LOGSHIP_VERSION } from '../../../version.js';

/*
 * What Elasticsearch clients and shippers read before and while they write:
 * the root document (version checks: the official clients want 8.x and the
 * X-Elastic-Product header, Beats and Logstash compare major versions), the
 * license and x-pack documents (Logstash and Beats look for a basic license),
 * and ES's error shape.
 */

/** The version logship answers as: an 8.x that current clients, Beats and Logstash accept. */
export const ES_COMPAT_VERSION = '8.17.0';

export function rootDocument(): Record<string, unknown> {
  return {
    name: 'logship',
    cluster_name: 'logship',
    cluster_uuid: 'logship-es-compat',
    version: {
      number: ES_COMPAT_VERSION,
      build_flavor: 'default',
      build_type: 'tar',
      build_hash: 'logship',
      build_date: '2026-01-01T00:00:00.000Z',
      build_snapshot: false,
      lucene_version: '9.12.0',
      minimum_wire_compatibility_version: '7.17.0',
      minimum_index_compatibility_version: '7.0.0',
    },
    tagline: 'You Know, for Search',
    logship: { version: LOGSHIP_VERSION, note: 'Elasticsearch _bulk compatibility for shippers; search with logship' },
  };
}

const LICENSE = {
  status: 'active',
  uid: 'logship',
  type: 'basic',
  issue_date: '2026-01-01T00:00:00.000Z',
  issue_date_in_millis: 1767225600000,
  max_nodes: 1000,
  issued_to: 'logship',
  issuer: 'logship',
  start_date_in_millis: -1,
};

export function licenseDocument(): Record<string, unknown> {
  return { license: LICENSE };
}

export function xpackDocument(): Record<string, unknown> {
  return {
    build: { hash: 'logship', date: '2026-01-01T00:00:00.000Z' },
    license: { uid: LICENSE.uid, type: 'basic', mode: 'basic', status: 'active' },
    features: {},
    tagline: 'You know, for X',
  };
}

export function clusterHealth(): Record<string, unknown> {
  return {
    cluster_name: 'logship',
    status: 'green',
    timed_out: false,
    number_of_nodes: 1,
    number_of_data_nodes: 1,
    active_primary_shards: 0,
    active_shards: 0,
    relocating_shards: 0,
    initializing_shards: 0,
    unassigned_shards: 0,
    active_shards_percent_as_number: 100,
  };
}

/** Elasticsearch's exception type for an HTTP status, so clients classify our errors as theirs. */
export function esErrorType(status: number): string {
  if (status === 401 || status === 403) return 'security_exception';
  if (status === 404) return 'resource_not_found_exception';
  if (status === 413) return 'content_too_long_exception';
  if (status === 429) return 'es_rejected_execution_exception';
  if (status >= 500) return 'unavailable_shards_exception';
  return 'illegal_argument_exception';
}

/** Refusals Elasticsearch names with a type of its own, not the one of their status. */
const TYPE_BY_CODE: Readonly<Record<string, string>> = {
  LS_INGEST_BULK_EMPTY: 'action_request_validation_exception',
};

/** `{ error: { root_cause, type, reason }, status }`, with our code beside ES's type. */
export function esError(status: number, code: string, message: string): Record<string, unknown> {
  const type = TYPE_BY_CODE[code] ?? esErrorType(status);
  const cause = { type, reason: message, 'logship.code': code };
  return { error: { root_cause: [cause], ...cause }, status };
}
