/**
 * Where a server's memory is, thread by thread (BENCHMARKS.md "Memory of a
 * month's questions"). Loaded with `--import`, which Node runs on the
 * main thread and on every worker thread, so each isolate logs its own:
 *
 *   MEM_LOG_DIR=/tmp/mem NODE_OPTIONS="--import $PWD/bench/lib/thread-memory.mjs" \
 *     node bench/month-read.bench.mjs --data DIR --days 30
 *
 * Every 200 ms, `<pid>-<threadId>.ndjson`: process.memoryUsage() (heap
 * used and reserved, external, ArrayBuffers; rss is the process's) and
 * V8's malloced memory. After each full (mark-compact) collection,
 * `<pid>-<threadId>.gc`: the heap then, i.e. what was live. A file
 * `<dir>/snap1` (then snap2 …) makes each thread write a heap snapshot.
 * Only `logship serve` and its threads log (a CLI run started by the
 * bench inherits NODE_OPTIONS and stays silent). Threads are numbered in
 * start order: 0 the main thread, 1 the writer, then the reader threads.
 */
import fs from 'node:fs';
import v8 from 'node:v8';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { threadId, isMainThread } from 'node:worker_threads';

const dir = process.env.MEM_LOG_DIR;
const isServer = !isMainThread || process.argv.slice(1).join(' ').includes(' serve ');
if (dir && isServer) {
  fs.mkdirSync(dir, { recursive: true });
  const base = `${dir}/${process.pid}-${threadId}`;
  setInterval(() => {
    const m = process.memoryUsage();
    const h = v8.getHeapStatistics();
    fs.appendFileSync(`${base}.ndjson`, `${JSON.stringify({
      t: Date.now(), heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers, rss: m.rss, malloced: h.malloced_memory,
    })}\n`);
  }, 200).unref();
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.detail?.kind !== constants.NODE_PERFORMANCE_GC_MAJOR) continue;
      const m = process.memoryUsage();
      fs.appendFileSync(`${base}.gc`, `${JSON.stringify({ t: Date.now(), heapUsed: m.heapUsed, heapTotal: m.heapTotal, ms: e.duration })}\n`);
    }
  }).observe({ entryTypes: ['gc'] });
  let snapshots = 0;
  setInterval(() => {
    if (!fs.existsSync(`${dir}/snap${snapshots + 1}`)) return;
    snapshots++;
    v8.writeHeapSnapshot(`${base}-${snapshots}.heapsnapshot`);
  }, 500).unref();
}
