/**
 * PLACEHOLDER until CODEC's block-codec.ts is merged (branch `codec`): the
 * API of CONTRACTS.md §1 with JSON + brotli columns, so the store can be
 * built and tested meanwhile. Replaced wholesale by the merge.
 */
import zlib from 'node:zlib';
import { tokenize, type FieldValue, type LogEvent } from '@logship/query';
import { buildBloom, textKey, valueKey } from './bloom.js';

export interface ColumnMeta {
  name: string;
  encoding: number;
  present: number;
  types: number;
  min: number | null;
  max: number | null;
  constValue?: FieldValue;
  bloom: Uint8Array | null;
}
export interface EncodedColumn {
  meta: ColumnMeta;
  data: Uint8Array;
}
export interface EncodedBlock {
  count: number;
  tsMin: number;
  tsMax: number;
  columns: EncodedColumn[];
}

const ABSENT = { a: 1 };

function typeBit(v: FieldValue): number {
  return typeof v === 'string' ? 1 : typeof v === 'number' ? 2 : typeof v === 'boolean' ? 4 : 8;
}

export function encodeBlock(events: readonly LogEvent[], opts: { textFields: readonly string[] }): EncodedBlock {
  const names = new Set<string>();
  for (const e of events) for (const k of Object.keys(e)) if (e[k] !== undefined) names.add(k);
  const columns: EncodedColumn[] = [];
  let tsMin = Infinity;
  let tsMax = -Infinity;
  for (const name of names) {
    const values: (FieldValue | undefined)[] = events.map((e) => {
      const v = Object.hasOwn(e, name) ? e[name] : undefined;
      return name === '@timestamp' && typeof v === 'string' ? Date.parse(v) : v;
    });
    let present = 0;
    let types = 0;
    let min: number | null = null;
    let max: number | null = null;
    const keys = new Set<string>();
    const text = opts.textFields.includes(name);
    for (const v of values) {
      if (v === undefined) continue;
      present++;
      types |= typeBit(v);
      if (typeof v === 'number' && !Number.isNaN(v)) {
        min = min === null ? v : Math.min(min, v);
        max = max === null ? v : Math.max(max, v);
      }
      if (text && typeof v === 'string') for (const t of tokenize(v)) keys.add(textKey(t));
      else if (!text && v !== null) keys.add(valueKey(v));
    }
    if (name === '@timestamp') {
      tsMin = min ?? 0;
      tsMax = max ?? 0;
    }
    const json = JSON.stringify(values.map((v) => (v === undefined ? ABSENT : typeof v === 'number' && !Number.isFinite(v) ? { n: String(v) } : Object.is(v, -0) ? { z: 1 } : v)));
    columns.push({
      meta: { name, encoding: 0, present, types, min, max, bloom: buildBloom(keys, keys.size) },
      data: zlib.brotliCompressSync(Buffer.from(json), { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } }),
    });
  }
  return { count: events.length, tsMin, tsMax, columns };
}

export function decodeColumn(meta: ColumnMeta, data: Uint8Array, count: number): (FieldValue | undefined)[] {
  void meta;
  const raw = JSON.parse(zlib.brotliDecompressSync(data).toString('utf8')) as unknown[];
  const out = raw.map((v) => {
    if (v !== null && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.a) return undefined;
      if (o.z) return -0;
      if (typeof o.n === 'string') return Number(o.n);
    }
    return v as FieldValue;
  });
  if (out.length !== count) throw new Error('column length mismatch');
  return out;
}

export function encodeMetas(metas: readonly ColumnMeta[]): Uint8Array {
  return Buffer.from(JSON.stringify(metas.map((m) => ({ ...m, bloom: m.bloom ? Buffer.from(m.bloom).toString('base64') : null }))));
}

export function decodeMetas(bytes: Uint8Array): ColumnMeta[] {
  const raw = JSON.parse(Buffer.from(bytes).toString('utf8')) as (Omit<ColumnMeta, 'bloom'> & { bloom: string | null })[];
  return raw.map((m) => ({ ...m, bloom: m.bloom === null ? null : new Uint8Array(Buffer.from(m.bloom, 'base64')) }));
}
