/**
 * The baseline a Filebeat-style setup gives: the same raw lines fed straight
 * into Elasticsearch's bulk API (dynamic mapping, no normalization, ES's own
 * ids), batches of 5,000, two in flight. Measures events/s to acknowledged
 * and bytes on disk per raw byte after a flush, `runs` times, each into a
 * fresh index deleted after it: the median run (min and max beside it).
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { summarizeIngestRuns } from '../lib/stats.mjs';

async function es(url, path, init = {}) {
  const res = await fetch(`${url}${path}`, init);
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : {};
}

/** Bytes on disk of the indices matching `pattern`, after a flush. */
export async function esStoreBytes(url, pattern) {
  await es(url, `/${pattern}/_flush`, { method: 'POST' });
  const stats = await es(url, `/${pattern}/_stats/store`);
  return stats._all?.primaries?.store?.size_in_bytes ?? null;
}

export async function runEsDirectBulk({ esUrl, file, events, rawBytes, runs = 1 }) {
  const measured = [];
  for (let r = 0; r < runs; r++) {
    measured.push(await directBulkOnce({ esUrl, file, events, rawBytes, index: `bench-direct-bulk-${process.pid}-r${r}` }));
  }
  return summarizeIngestRuns(measured);
}

/** One run into `index`, which it creates and deletes. */
async function directBulkOnce({ esUrl, file, events, rawBytes, index }) {
  await es(esUrl, `/${index}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ settings: { number_of_shards: 1, number_of_replicas: 0 } }) });
  try {
    const rl = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
    const inflight = new Set();
    let body = '';
    let n = 0;
    let acked = 0;
    const action = JSON.stringify({ index: { _index: index } });
    const post = async (text) => {
      const ans = await es(esUrl, '/_bulk', { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: text });
      acked += ans.items.filter((i) => i.index?.status < 300).length;
    };
    const flush = async () => {
      const p = post(body).finally(() => inflight.delete(p));
      inflight.add(p);
      body = '';
      n = 0;
      if (inflight.size >= 2) await Promise.race(inflight);
    };
    const t0 = performance.now();
    for await (const line of rl) {
      body += `${action}\n${line}\n`;
      if (++n >= 5000) await flush();
    }
    if (n > 0) await flush();
    await Promise.all(inflight);
    const seconds = (performance.now() - t0) / 1000;
    const disk = await esStoreBytes(esUrl, index);
    return { events, acked, seconds, events_per_s: events / seconds, disk_bytes: disk, disk_per_raw_byte: disk === null ? null : disk / rawBytes };
  } finally {
    await es(esUrl, `/${index}`, { method: 'DELETE' }).catch(() => {});
  }
}
