/**
 * A UTF-8 byte order mark at the start of a JSON or NDJSON body: Windows
 * tools write one (PowerShell's `Out-File -Encoding utf8`, Notepad), curl
 * `--data-binary @file` sends it, and JSON.parse refuses it, so a whole
 * Loki or OTLP push, a bulk request or the first line of a batch was
 * refused. RFC 8259 §8.1 lets a reader ignore it, and Elasticsearch does.
 * Only text bodies are read past it: protobuf and snappy bytes are not text.
 */
const BOM = [0xef, 0xbb, 0xbf] as const;

/** 3 when the body starts with a UTF-8 byte order mark, else 0. */
export function bomLength(body: Buffer): number {
  return body.length >= 3 && body[0] === BOM[0] && body[1] === BOM[1] && body[2] === BOM[2] ? 3 : 0;
}

/** The body as UTF-8 text, without a leading byte order mark. */
export function bodyText(body: Buffer): string {
  return body.toString('utf8', bomLength(body));
}
