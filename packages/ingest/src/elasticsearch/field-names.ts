/**
 * The event field names the indices of a read map, for field-name patterns
 * (`http.*:500`; query package field-patterns.ts): every typed copy
 * (`@kw.<name>`, `@num.<name>`, `@bool.<name>`, `@txt.<name>`; not the
 * array elements' `<name>~el`, which the name's own copy always has beside) names a field, hex-encoded names
 * (`~<hex>`, event-document.ts esFieldName) decoded, plus the fields every
 * event has. A name that only some of the indices map is still a field of
 * the read: the clause on it matches nothing where it is absent.
 *
 * An index `_field_caps` could not read is named in the answer's warnings
 * (field-caps-failures.ts). Fields past `index.mapping.total_fields.limit` are not mapped, so not
 * listed; they are not searchable by name either (docs/ELASTICSEARCH.md).
 */
import type { Client } from '@elastic/elasticsearch';
import { BOOLEAN_PREFIX, ELEMENT_SUFFIX, KEYWORD_PREFIX, NUMBER_PREFIX, OTHER_TEXT_PREFIX } from './event-document.js';
import { asStoreFailure } from './transport-error.js';
import { noteFieldCapsFailures } from './field-caps-failures.js';

const PREFIXES = [KEYWORD_PREFIX, NUMBER_PREFIX, BOOLEAN_PREFIX, OTHER_TEXT_PREFIX];

/** An event field name from a typed copy's name (without its prefix); null for an array's elements. */
export function decodeFieldName(name: string): string | null {
  if (name.endsWith(ELEMENT_SUFFIX)) return null;
  if (!name.startsWith('~')) return name;
  const hex = name.slice(1);
  if (!/^(?:[0-9a-f]{2})+$/.test(hex)) return null;
  return Buffer.from(hex, 'hex').toString('utf8');
}

export async function indexedFieldNames(client: Client, index: string): Promise<string[]> {
  let answer: Awaited<ReturnType<Client['fieldCaps']>>;
  try {
    answer = await client.fieldCaps({
      index,
      fields: PREFIXES.map((p) => `${p}*`),
      ignore_unavailable: true,
      allow_no_indices: true,
    });
  } catch (err) {
    throw asStoreFailure(err);
  }
  // An index whose fields could not be listed (no active shard copy) is said, not skipped.
  noteFieldCapsFailures(answer, index);
  const names = new Set<string>(['@timestamp', 'event.id', 'message', 'level']);
  for (const full of Object.keys(answer.fields)) {
    const prefix = PREFIXES.find((p) => full.startsWith(p));
    if (prefix === undefined) continue;
    const name = decodeFieldName(full.slice(prefix.length));
    if (name !== null) names.add(name);
  }
  return [...names].sort();
}
