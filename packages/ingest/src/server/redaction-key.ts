/**
 * The key `ingest.redact` ids are taken with (normalize/content-id.ts
 * redactedContentId): 32 random bytes, kept so that a line retried after a
 * restart is still the same event. `ingest.redact_key_file` names it
 * (servers sharing one Elasticsearch name one file); by default it is
 * `<data>/redaction.key`, made at the first start with rules. Readable by
 * the server's user only: with it, an id can be tested against guesses of
 * what was redacted.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { configErrors } from '../config/config-errors.js';

export const KEY_BYTES = 32;

export function redactionKey(dataDir: string, keyFile?: string): Buffer {
  if (keyFile !== undefined) return readKey(keyFile, 'ingest.redact_key_file');
  const file = path.join(dataDir, 'redaction.key');
  if (fs.existsSync(file)) return readKey(file, 'ingest.redact');
  fs.mkdirSync(dataDir, { recursive: true });
  // Written aside and fsynced, then linked into place: two servers starting
  // on one folder both end with the key that won, and a start killed halfway
  // never leaves a short one.
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = fs.openSync(tmp, 'wx', 0o600);
  try {
    fs.writeSync(fd, randomBytes(KEY_BYTES));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  // The folder's entry durable before any id taken with the key is acknowledged.
  const dir = fs.openSync(dataDir, 'r');
  try {
    fs.fsyncSync(dir);
  } finally {
    fs.closeSync(dir);
  }
  return readKey(file, 'ingest.redact');
}

/** What `serve --check` says of the key: an error when a start would refuse it (it creates nothing). */
export function checkRedactionKey(dataDir: string, keyFile?: string): void {
  if (keyFile !== undefined) readKey(keyFile, 'ingest.redact_key_file');
  else if (fs.existsSync(path.join(dataDir, 'redaction.key'))) readKey(path.join(dataDir, 'redaction.key'), 'ingest.redact');
}

/** A key of another length is refused, not replaced: a new key would give every retried line a new id. */
function readKey(file: string, key: string): Buffer {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    throw configErrors.configInvalid(key, `needs the redaction key ${file}, which cannot be read: ${(err as Error).message}`);
  }
  if (bytes.length !== KEY_BYTES) {
    throw configErrors.configInvalid(key, `needs the redaction key ${file} to hold ${KEY_BYTES} bytes; it holds ${bytes.length} (make one with: head -c ${KEY_BYTES} /dev/urandom > ${file})`);
  }
  return bytes;
}
