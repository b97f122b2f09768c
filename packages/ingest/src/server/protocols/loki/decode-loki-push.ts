import { levelFromText } from '../../../normalize/level-from.js';
import { setEventField, type FieldValue } from '@logship/query/core';
import { putField, type FlatRecord } from '../../../normalize/flatten-fields.js';
import { uncompress } from 'snappyjs';
import { errors, LogshipError } from '../../errors.js';
import { bodyText } from '../../body-text.js';
import type { IngestItem } from '../../ingest-batch.js';
import { mediaType } from '../raw-body.js';
import { decodePushRequest } from './loki-proto.js';
import { parseLabelSet } from './parse-label-set.js';
import { labelNameError } from './label-name.js';
import { labelSetLimitError } from './label-set-limits.js';
import { readStructuredMetadata } from './structured-metadata.js';
import { numberLabelTexts, type NumberLabelTexts } from './number-label-texts.js';
import { isSteeringKey } from '../steering-key.js';

/*
 * POST /loki/api/v1/push body ─► one envelope item per entry:
 *
 *   application/x-protobuf: snappy block ─► PushRequest ─┐
 *   application/json: {"streams":[{"stream":{…},"values":[[ns, line, {meta}?]]}]} ─┤
 *                                                                                   ▼
 *   { content: line, meta: labels (filename→source, level→level) + structured metadata
 *     + loki.timestamp_ns + event.id = hash(labels, ns, line), time: ns → ms }
 */

export interface LokiLimits {
  max_decompressed_bytes: number;
}

interface Entry {
  ns: string;
  line: string;
  metadata: Record<string, string>;
}

interface Stream {
  labels: Record<string, string>;
  entries: (Entry | LogshipError)[];
}

/**
 * `contentEncoding` is the request's (after gunzip, which raw-body did):
 * `snappy` names the snappy block a protobuf push always is, and Vector's
 * loki sink says so; Loki takes it, so a JSON body in a snappy block is
 * unpacked too.
 */
export function decodeLokiPush(body: Buffer, contentType: string | undefined, limits: LokiLimits, contentEncoding = 'identity'): IngestItem[] {
  const type = mediaType(contentType);
  let streams: Stream[];
  if (type === 'application/json') streams = fromJson(contentEncoding === 'snappy' ? unsnappy(body, limits) : body);
  else if (type === 'application/x-protobuf' || type === '') streams = fromProtobuf(body, limits);
  else throw errors.unsupportedContentType(type, 'application/x-protobuf with snappy, or application/json');

  const items: IngestItem[] = [];
  let ref = 0;
  for (const stream of streams) {
    const labelMeta = metaFromLabels(withServiceName(stream.labels));
    for (const entry of stream.entries) {
      ref++;
      if (entry instanceof LogshipError) {
        items.push({ kind: 'failed', ref, error: entry });
        continue;
      }
      const meta = overlay(labelMeta, metaFromLabels(entry.metadata));
      meta['loki.timestamp_ns'] = entry.ns;
      // No event.id: the normalizer derives the content id (normalize/content-id.ts) from the
      // labels, the ns timestamp and the line's fields, Loki's own identity of an entry, so a
      // client's retry stores nothing twice and the block store keeps no id.
      const ms = Number(BigInt(entry.ns) / 1_000_000n);
      items.push({
        kind: 'envelope',
        ref,
        content: entry.line,
        meta,
        time: ms > 0 ? ms : undefined,
        bytes: Buffer.byteLength(entry.line),
      });
    }
  }
  return items;
}

/**
 * Stream labels and structured metadata become fields; a few have canonical
 * names. One with an empty value is no field: Loki reads labels through
 * Prometheus' label builder, which drops it (`{env=""}` is the stream `{}`),
 * and its structured metadata the same way, so in LogQL an empty label is an
 * absent one. Stored as `env: ""`, it made `_exists_:env` true where Loki
 * has no label, and a stream's entries differ in identity from the same
 * entries pushed without the label.
 */
function metaFromLabels(labels: Record<string, string>): Record<string, unknown> {
  const meta: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(labels)) {
    if (value === '') continue;
    if (name === 'filename') meta.source = value;
    else if (name === 'level' || name === 'detected_level' || name === 'severity') {
      const level = levelFromText(value);
      if (level) meta.level = level;
      else meta[`loki.${name}`] = value;
    } else if (name === 'hostname' && !labels.host) meta.host = value;
    // The entry's line is the message, as in Loki: a label or metadata named
    // `message` (a legal label name) laid over it put the line aside. Nor is
    // a label the entry's id or time (steering-key.ts).
    else if (name === 'message' || isSteeringKey(name)) meta[`loki.${name}`] = value;
    // setEventField: `__proto__` (a legal label name) is a field like any other, not the prototype.
    else setEventField(meta, name, value);
  }
  return meta;
}

/**
 * A stream with no label (`{}`, or only empty values) is stored as Loki 3
 * stores it with its default `discover_service_name`: labelled
 * `service_name="unknown_service"` (push.go ParseLokiRequest), so a search
 * finds such entries as Grafana shows them. (Loki 2, or Loki 3 with that list
 * emptied, refuses the stream: "error at least one label pair is required per
 * stream". Refused here, a client whose pushes Loki 3 stores would lose them
 * for good, a 400 not being retried.) Before, it was stored with nothing
 * saying where it came from. Other streams get no service_name: their labels
 * are fields under their own names already.
 */
function withServiceName(labels: Record<string, string>): Record<string, string> {
  return Object.values(labels).some((value) => value !== '') ? labels : { service_name: UNKNOWN_SERVICE };
}

/** Loki's service_name for a stream with no label of its own (push.ServiceUnknown). */
const UNKNOWN_SERVICE = 'unknown_service';

/**
 * An entry's metadata laid over its stream's labels. In Loki a label and a
 * metadata of one name stay apart; a field holds one value, so the entry's
 * own wins the name and the label's other value is kept beside it as
 * `<name>_original`, as normalize keeps a line's field under envelope
 * metadata: laid over plainly, the label's value was lost.
 */
function overlay(labels: Record<string, unknown>, metadata: Record<string, unknown>): Record<string, unknown> {
  const meta = { ...labels };
  for (const [name, value] of Object.entries(metadata)) {
    const under = Object.hasOwn(meta, name) ? meta[name] : undefined;
    if (under !== undefined && under !== value) putField(meta as FlatRecord, `${name}_original`, under as FieldValue);
    setEventField(meta, name, value);
  }
  return meta;
}

/** A snappy block, refused before allocation when it declares more than max_decompressed_bytes. */
function unsnappy(body: Buffer, limits: LokiLimits): Buffer {
  try {
    return uncompress(body, limits.max_decompressed_bytes);
  } catch (err) {
    const message = (err as Error).message;
    if (/too big/.test(message)) throw errors.decompressedTooLarge(limits.max_decompressed_bytes);
    throw errors.badSnappy(message);
  }
}

function fromProtobuf(body: Buffer, limits: LokiLimits): Stream[] {
  const raw = unsnappy(body, limits);
  let msg;
  try {
    msg = decodePushRequest(raw);
  } catch (err) {
    throw errors.badProtobuf('Loki PushRequest', (err as Error).message);
  }
  return msg.streams.map((s) => {
    let labels: Record<string, string>;
    try {
      labels = parseLabelSet(s.labels);
    } catch (err) {
      // As Loki's distributor does, a stream whose labels it cannot read is
      // refused alone (each of its entries answered as rejected) and the
      // other streams are stored: thrown, one client's odd label name
      // (winston-loki writes `{service-name="…"}` as given) refused the whole
      // push with a 400, which Promtail and its kin drop for good.
      if (!(err instanceof LogshipError)) throw err;
      return { labels: {}, entries: s.entries.map(() => err) };
    }
    const overLimit = labelSetLimitError(labels, s.labels);
    if (overLimit) return { labels: {}, entries: s.entries.map(() => overLimit) };
    const entries = s.entries.map((e): Entry | LogshipError => {
      const seconds = e.timestamp?.seconds ?? '0';
      const nanos = e.timestamp?.nanos ?? 0;
      if (nanos < 0 || nanos > 999_999_999 || seconds.startsWith('-')) return errors.badPayload(`entry timestamp ${seconds}s ${nanos}ns is out of range`);
      const metadata = readStructuredMetadata(e.structuredMetadata.map((p) => [p.name, p.value] as const));
      if (metadata instanceof LogshipError) return metadata;
      return { ns: (BigInt(seconds) * 1_000_000_000n + BigInt(nanos)).toString(), line: e.line, metadata };
    });
    return { labels, entries };
  });
}

function fromJson(body: Buffer): Stream[] {
  const text = bodyText(body);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw errors.badJsonBody((err as Error).message);
  }
  const streams = (parsed as { streams?: unknown } | null)?.streams;
  if (!Array.isArray(streams)) throw errors.badPayload('a Loki push must be {"streams": [...]}');
  let numberTexts: NumberLabelTexts | undefined;
  return streams.map((s: unknown, i) => {
    const given = (s as { stream?: unknown } | null)?.stream ?? {};
    const values = (s as { values?: unknown } | null)?.values;
    if (given === null || typeof given !== 'object' || Array.isArray(given)) throw errors.badPayload(`streams[${i}].stream must be an object of labels`);
    if (!Array.isArray(values)) throw errors.badPayload(`streams[${i}].values must be an array`);
    const labels = given as Record<string, unknown>;
    if (Object.values(labels).some((v) => typeof v === 'number')) numberTexts ??= numberLabelTexts(text);
    const stream = labelTexts(labels, numberTexts?.get(i));
    // As a protobuf stream with a label name Loki refuses, refused alone (parse-label-set.ts).
    for (const name of Object.keys(stream)) {
      const refused = labelNameError(name, labelSetText(stream));
      if (refused) return { labels: {}, entries: values.map(() => refused) };
    }
    const overLimit = labelSetLimitError(stream, labelSetText(stream));
    if (overLimit) return { labels: {}, entries: values.map(() => overLimit) };
    const entries = values.map((v: unknown, j): Entry | LogshipError => {
      const where = `streams[${i}].values[${j}]`;
      if (!Array.isArray(v) || v.length < 2 || v.length > 3) return errors.badPayload(`${where} must be [timestamp_ns, line] or [timestamp_ns, line, {metadata}]`);
      const [ns, line, metadata = {}] = v as unknown[];
      if (typeof ns !== 'string' || !/^\d{1,20}$/.test(ns)) return errors.badPayload(`${where}: the timestamp must be a string of Unix nanoseconds`);
      if (typeof line !== 'string') return errors.badPayload(`${where}: the line must be a string`);
      if (!isStringRecord(metadata)) return errors.badPayload(`${where}: structured metadata must be an object of strings`);
      const fields = readStructuredMetadata(Object.entries(metadata));
      return fields instanceof LogshipError ? fields : { ns, line, metadata: fields };
    });
    return { labels: stream, entries };
  });
}

/**
 * Label values as Loki's JSON push reads them (loghttp.LabelSet: each
 * value's JSON text, whatever its type): `{"port": 8080}` is the label
 * port="8080". Refused, a script's or a pino-loki config's number label
 * cost the whole push a 400, which the client drops. A number is its text
 * as written (`numbers`, number-label-texts.ts): through a double,
 * 12345678901234567890 was stored as 12345678901234567000.
 */
function labelTexts(stream: Record<string, unknown>, numbers: Map<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(stream)) {
    setEventField(out, name, typeof value === 'string' ? value : (typeof value === 'number' ? numbers?.get(name) : undefined) ?? JSON.stringify(value));
  }
  return out;
}

/** The label set as Loki names a stream in its refusals: `{job="x", port="8080"}`. */
function labelSetText(labels: Record<string, string>): string {
  return `{${Object.entries(labels).map(([name, value]) => `${name}=${JSON.stringify(value)}`).join(', ')}}`;
}

function isStringRecord(v: unknown): v is Record<string, string> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  return Object.values(v).every((x) => typeof x === 'string');
}
