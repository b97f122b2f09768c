/**
 * The one feeder every store is measured with: a file's lines in gzip
 * batches of `batch` lines, `concurrency` requests in flight. Only `post`
 * differs per store (its URL, headers and how it reads the answer), so the
 * batching cannot drift between logship and what it is compared with.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { gzipSync } from 'node:zlib';

/** `post(gzippedBody, lineCount)` resolves to how many events the store took. Returns their sum. */
export async function feedFile(file, post, { batch = 5000, concurrency = 2 } = {}) {
  const rl = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let lines = [];
  let sent = 0;
  const inflight = new Set();
  const flush = async () => {
    const count = lines.length;
    const body = gzipSync(lines.join('\n') + '\n');
    lines = [];
    const p = post(body, count).then((n) => { sent += n; }).finally(() => inflight.delete(p));
    inflight.add(p);
    if (inflight.size >= concurrency) await Promise.race(inflight);
  };
  for await (const line of rl) {
    lines.push(line);
    if (lines.length >= batch) await flush();
  }
  if (lines.length) await flush();
  await Promise.all(inflight);
  return sent;
}
