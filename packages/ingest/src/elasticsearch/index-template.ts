/**
 * The composable index template every daily index of a store is created
 * from (event-document.ts explains the document layout it maps).
 */
import { errors, type Client } from '@elastic/elasticsearch';
import { BOOLEAN_PREFIX, CLASS_FIELD, KEYWORD_PREFIX, NUMBER_PREFIX, OTHER_TEXT_PREFIX, SOURCE_FIELD, TEXT_FIELD } from './event-document.js';
import { indexPattern } from './index-name.js';
import { esError } from './es-error.js';
import { classifyTransportError } from './transport-error.js';

export interface TemplateOptions {
  prefix: string;
  shards: number;
  replicas: number;
  /** Bound on mapped fields per index; fields beyond it are kept in @event but not indexed. */
  totalFieldsLimit: number;
}

/**
 * Keyword terms above this many characters are not indexed (Lucene's term
 * limit is 32766 bytes; 4 bytes per character at worst).
 */
export const KEYWORD_IGNORE_ABOVE = 8191;

// Typed copies: dotted names stay flat keys (`http.status`), so `http`
// and `http.status` can both exist; new names map dynamically.
const typed = { type: 'object', dynamic: true, subobjects: false };

/**
 * What an index needs beyond what older versions created: the `@txt`
 * object and its dynamic template (indices created before it existed get
 * them through putMapping; see installIndexTemplate).
 */
function mappingsAddedLater(): { properties: Record<string, unknown>; dynamic_templates: Record<string, unknown>[] } {
  return {
    properties: { [OTHER_TEXT_PREFIX.slice(0, -1)]: typed },
    dynamic_templates: [
      { ls_keyword: { path_match: `${KEYWORD_PREFIX}*`, mapping: { type: 'keyword', ignore_above: KEYWORD_IGNORE_ABOVE } } },
      { ls_number: { path_match: `${NUMBER_PREFIX}*`, mapping: { type: 'double' } } },
      { ls_boolean: { path_match: `${BOOLEAN_PREFIX}*`, mapping: { type: 'boolean' } } },
      // Tokens already made by tokenize(): whitespace splits them back, at adjacent positions.
      { ls_text: { path_match: `${OTHER_TEXT_PREFIX}*`, mapping: { type: 'text', analyzer: 'whitespace', norms: false } } },
    ],
  };
}

/**
 * ECS names for the fields logship stores under names of its own, as field
 * aliases, for people who read the indices directly (Kibana's Discover, a
 * dashboard, a saved ES query written for Filebeat's indices): `message`,
 * `log.level`, `host.name`, `service.name`, `log.logger`, `log.file.path`
 * can be shown, filtered and aggregated there as they would be on
 * Filebeat's indices. Ingest renames Filebeat's `host.name` to `host`,
 * `log.file.path` to `source` and `log.level` to `level` (docs/PROTOCOLS.md),
 * so an alias is the only place these names still exist. An alias costs no
 * storage; its target must be mapped before any document arrives, hence
 * the explicit keyword mappings below (the same as the dynamic template's).
 * Only new daily indices get them (from the template): an existing index at
 * its field limit would refuse the mapping update.
 *
 * Every other field is under its typed copy's prefix: `@kw.<name>` (strings),
 * `@num.<name>`, `@bool.<name>`.
 */
export const ECS_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  message: `${KEYWORD_PREFIX}message`,
  'log.level': 'level',
  'log.logger': `${KEYWORD_PREFIX}logger`,
  'log.file.path': `${KEYWORD_PREFIX}source`,
  'host.name': `${KEYWORD_PREFIX}host`,
  'service.name': `${KEYWORD_PREFIX}service.name`,
});

/** The aliases as mapping properties: `log.level` → `{ log: { properties: { level: alias } } }`. */
function aliasProperties(): Record<string, unknown> {
  const root: Record<string, { type?: string; path?: string; properties?: Record<string, unknown> }> = {};
  for (const [name, path] of Object.entries(ECS_ALIASES)) {
    const parts = name.split('.');
    let level = root;
    for (const part of parts.slice(0, -1)) {
      level[part] ??= { properties: {} };
      level = level[part]!.properties as typeof root;
    }
    level[parts[parts.length - 1]!] = { type: 'alias', path };
  }
  return root;
}

/** The `@kw` fields the aliases point to, mapped as the dynamic template would map them. */
function aliasTargets(): Record<string, unknown> {
  const targets: Record<string, unknown> = {};
  for (const path of Object.values(ECS_ALIASES)) {
    if (path.startsWith(KEYWORD_PREFIX)) targets[path.slice(KEYWORD_PREFIX.length)] = { type: 'keyword', ignore_above: KEYWORD_IGNORE_ABOVE };
  }
  return targets;
}

export function buildIndexTemplate(opts: TemplateOptions): Record<string, unknown> {
  const later = mappingsAddedLater();
  return {
    index_patterns: [indexPattern(opts.prefix)],
    // Above the stack's built-in templates (`logs-*-*` is priority 100 and
    // would turn a `logs` prefix into data streams).
    priority: 500,
    _meta: { managed_by: 'logship' },
    template: {
      settings: {
        number_of_shards: opts.shards,
        number_of_replicas: opts.replicas,
        // A write makes its own events searchable with an explicit _refresh
        // (refresh-coalescer.ts); this bounds, at 1 s, when events become
        // visible that no refresh of ours covered: written by another server
        // sharing the cluster, or by a write whose refresh failed. Explicit,
        // so shards never go search-idle (which would skip these refreshes).
        refresh_interval: '1s',
        'mapping.total_fields.limit': opts.totalFieldsLimit,
        // A field explosion stops adding mappings instead of rejecting events.
        'mapping.total_fields.ignore_dynamic_beyond_limit': true,
      },
      mappings: {
        // Only eventToDocument writes these documents; anything else is a bug.
        dynamic: 'strict',
        properties: {
          '@timestamp': { type: 'date', format: 'strict_date_optional_time||epoch_millis' },
          'event.id': { type: 'keyword' },
          [CLASS_FIELD]: { type: 'keyword' },
          level: { type: 'keyword', normalizer: 'lowercase' },
          [TEXT_FIELD]: { type: 'text', analyzer: 'whitespace', norms: false },
          [SOURCE_FIELD]: { type: 'object', enabled: false },
          [KEYWORD_PREFIX.slice(0, -1)]: { ...typed, properties: aliasTargets() },
          [NUMBER_PREFIX.slice(0, -1)]: typed,
          [BOOLEAN_PREFIX.slice(0, -1)]: typed,
          ...later.properties,
          ...aliasProperties(),
        },
        dynamic_templates: later.dynamic_templates,
      },
    },
  };
}

export function templateName(prefix: string): string {
  return `${prefix}-logship`;
}

/**
 * Installs (or updates) the template; idempotent, so several servers may
 * race on it. Resolves to the indices that cannot take `@txt` documents:
 * indices created from an older template get the new mapping through
 * putMapping (their `dynamic: strict` mapping would refuse the new object),
 * and when the credentials may not update mappings (the documented least
 * privileges do not include it), those without it are returned, so the
 * store leaves `@txt` out of what it writes there. Either way, their older
 * documents have no `@txt`: free text finds them by message only
 * (docs/ELASTICSEARCH.md).
 */
export async function installIndexTemplate(client: Client, opts: TemplateOptions): Promise<string[]> {
  try {
    await client.indices.putIndexTemplate({
      name: templateName(opts.prefix),
      ...(buildIndexTemplate(opts) as object),
    } as Parameters<Client['indices']['putIndexTemplate']>[0]);
  } catch (err) {
    throw classifyTransportError(err, () => esError('LS_ES_TEMPLATE', (err as Error).message, err));
  }
  const txt = OTHER_TEXT_PREFIX.slice(0, -1);
  const later = mappingsAddedLater();
  const laterTemplates = later.dynamic_templates.map((t) => Object.keys(t)[0]!);
  let stale: string[];
  try {
    const mappings = await client.indices.getMapping({ index: indexPattern(opts.prefix), allow_no_indices: true, ignore_unavailable: true });
    stale = Object.entries(mappings)
      .filter(([, m]) => {
        const named = new Set((m.mappings.dynamic_templates ?? []).map((t) => Object.keys(t)[0]));
        return !(m.mappings.properties && txt in m.mappings.properties) || laterTemplates.some((name) => !named.has(name));
      })
      .map(([name]) => name);
  } catch (err) {
    throw classifyTransportError(err, () => esError('LS_ES_TEMPLATE', (err as Error).message, err));
  }
  if (stale.length === 0) return [];
  try {
    await putMappingWhileIndicesGo(client, stale, later);
    return [];
  } catch (err) {
    if (!(err instanceof errors.ResponseError && err.statusCode === 403)) {
      throw classifyTransportError(err, () => esError('LS_ES_TEMPLATE', (err as Error).message, err));
    }
  }
  // The credentials may not update mappings: the indices without `@txt` are left as they are.
  try {
    const mappings = await client.indices.getMapping({ index: stale.join(','), allow_no_indices: true, ignore_unavailable: true });
    return Object.entries(mappings)
      .filter(([, m]) => !(m.mappings.properties && txt in m.mappings.properties))
      .map(([name]) => name);
  } catch (err) {
    throw classifyTransportError(err, () => esError('LS_ES_TEMPLATE', (err as Error).message, err));
  }
}

/**
 * Gives the indices made from an older template the mappings added since,
 * in one call. Another server's retention run may delete old day indices
 * while this one starts: a name deleted before the call reaches it fails
 * the whole call (index_not_found_exception), so then each index is given
 * its mapping alone and the ones gone meanwhile are passed over.
 */
async function putMappingWhileIndicesGo(client: Client, indices: string[], later: ReturnType<typeof mappingsAddedLater>): Promise<void> {
  const put = (index: string): Promise<unknown> => client.indices.putMapping({ index, ...later } as Parameters<Client['indices']['putMapping']>[0]);
  try {
    await put(indices.join(','));
    return;
  } catch (err) {
    if (!indexGone(err)) throw err;
  }
  for (const index of indices) {
    await put(index).catch((err: unknown) => {
      if (!indexGone(err)) throw err;
    });
  }
}

function indexGone(err: unknown): boolean {
  return err instanceof errors.ResponseError && err.statusCode === 404
    && JSON.stringify(err.body ?? '').includes('index_not_found_exception');
}
