/**
 * The key `ingest.redact` ids are taken with (normalize/content-id.ts
 * redactedContentId): 32 random bytes in `<data>/redaction.key`, made on the
 * first start with rules and kept, so a line retried after a restart is
 * still the same event. Readable by the server's user only: with it, an id
 * could be tested against guesses of what was redacted.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const FILE = 'redaction.key';
const BYTES = 32;

export function redactionKey(dataDir: string): Buffer {
  const file = path.join(dataDir, FILE);
  try {
    const key = fs.readFileSync(file);
    if (key.length === BYTES) return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  // Written aside, fsynced and renamed: a start killed halfway never leaves a short key.
  fs.mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(BYTES);
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    fs.writeSync(fd, key);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  return key;
}
