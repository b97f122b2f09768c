/**
 * Shared pieces of the agent end-to-end tests (agent-*.test.ts): realistic
 * JSON log lines with a sequence number, the agent config, counting what the
 * real server stores, and reading a process's CPU, memory and open files from /proc.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { open, rename, type FileHandle } from 'node:fs/promises';
import { waitFor } from './harness.js';

/** A python-json-logger line of about 200 bytes carrying `seq` and `run`. */
export function jsonLine(seq: number, run: string): string {
  const level = seq % 10 === 0 ? 'ERROR' : 'INFO';
  return JSON.stringify({
    asctime: new Date().toISOString().replace('T', ' ').replace('Z', '').replace('.', ','),
    levelname: level,
    name: 'app.worker',
    message: `${level === 'ERROR' ? 'task failed' : 'task done'} seq=${seq}`,
    seq,
    run,
    request_id: `req-${(seq * 2654435761 % 4294967296).toString(16).padStart(8, '0')}`,
  });
}

/** A line stamped `at`, of run `run`: the held-lines tests put some on a damaged day. */
export function timedLine(seq: number, at: number, run: string): string {
  return JSON.stringify({ '@timestamp': new Date(at).toISOString(), level: 'info', message: `${run} seq=${seq}`, run, seq });
}

/** An agent metric's value (`labels` as written in the exposition, `{source="x"}`), 0 when absent. */
export async function agentMetric(metricsUrl: string, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`${metricsUrl}/metrics`)).text();
  const m = new RegExp(`^logship_agent_${name}${labels.replace(/[{}()]/g, '\\$&')} (\\d+)$`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

/**
 * Waits until the agent on `metricsPort` has every one of `files` acknowledged
 * to its end (its /files `acknowledged_offset` at the file's size): all their
 * lines were read, made into events (a multiline event's last one flushed) and
 * taken by the server. The positive sign a test that checks some events were
 * NOT made waits for, where a sleep proved nothing on a slow machine.
 * Trailing blank lines are not counted: a multiline event ends at its last
 * line, the blanks after it are acknowledged with the next event (multiline.ts).
 */
export async function waitForAcknowledged(metricsPort: number, files: readonly string[]): Promise<void> {
  await waitFor(async () => {
    const body = (await (await fetch(`http://127.0.0.1:${metricsPort}/files`)).json()) as { sources: Record<string, { path: string; acknowledged_offset: number }[]> };
    const followed = Object.values(body.sources).flat();
    return files.every((f) => followed.some((l) => l.path === f && l.acknowledged_offset === endOfLastLine(f)));
  }, { timeoutMs: 30_000, what: `${files.join(', ')} acknowledged to their ends` });
}

/** The byte offset after `file`'s last line that is not blank. */
function endOfLastLine(file: string): number {
  // latin1: one character a byte, so lengths are byte offsets.
  const text = readFileSync(file, 'latin1');
  return text.length - (/\r?\n((?:[ \t]*\r?\n)*)$/.exec(text)?.[1]?.length ?? 0);
}

/** The events the server found stored already (a line sent twice is counted here). */
export async function ingestDuplicates(serverUrl: string): Promise<number> {
  const text = await (await fetch(`${serverUrl}/metrics`)).text();
  return Number(/^logship_ingest_events_duplicate_total (\d+)$/m.exec(text)?.[1] ?? 0);
}

export interface AgentYamlOptions {
  server: string;
  dataDir: string;
  include: string[];
  labels?: Record<string, string>;
  extra?: string;
  source?: string;
  /** The agent's log level (warn unless a test wants its decisions in `output()`). */
  logLevel?: string;
}

export function agentYaml(o: AgentYamlOptions): string {
  return [
    'server:',
    `  url: ${o.server}`,
    `data_dir: ${o.dataDir}`,
    'host: e2e-host',
    'batch: { max_events: 2000, max_age_ms: 200 }',
    'retry: { initial_backoff_ms: 100, max_backoff_ms: 2000 }',
    `log_level: ${o.logLevel ?? 'warn'}`,
    o.extra ?? '',
    'sources:',
    '  - type: file',
    `    include: ${JSON.stringify(o.include)}`,
    `    labels: ${JSON.stringify(o.labels ?? { job: 'e2e' })}`,
    '    poll_interval_ms: 250',
    o.source ?? '',
    '',
  ].join('\n');
}

/** The seq of every stored event of a run (all pages, only the seq field). */
export async function seqsOf(url: string, run: string): Promise<number[]> {
  const seqs: number[] = [];
  let cursor: string | null = null;
  for (;;) {
    const params = new URLSearchParams({ q: `run:${run}`, from: 'now-30d', to: 'now+1d', limit: '10000', fields: 'seq' });
    if (cursor) params.set('cursor', cursor);
    const res = await fetch(`${url}/api/v1/search?${params}`);
    const body = await res.text();
    if (!res.ok) throw new Error(`search → ${res.status}: ${body}`);
    const page = JSON.parse(body) as { hits: Array<{ seq?: unknown }>; next_cursor: string | null };
    for (const h of page.hits) seqs.push(Number(h.seq));
    if (!page.next_cursor || page.hits.length === 0) return seqs;
    cursor = page.next_cursor;
  }
}

/** How many events of a run the server has (the search total, exact). */
export async function countOf(url: string, run: string): Promise<number> {
  const params = new URLSearchParams({ q: `run:${run}`, from: 'now-30d', to: 'now+1d', limit: '1', fields: 'seq' });
  const res = await fetch(`${url}/api/v1/search?${params}`);
  const page = (await res.json()) as { total?: { value: number; relation: string } };
  if (page.total && page.total.relation === 'eq') return page.total.value;
  return (await seqsOf(url, run)).length;
}

/** Waits until the server holds at least `n` events of the run. */
export async function waitForCount(url: string, run: string, n: number, timeoutMs = 180_000): Promise<number> {
  let last = 0;
  try {
    return await waitFor(async () => {
      last = await countOf(url, run);
      return last >= n ? last : undefined;
    }, { timeoutMs, intervalMs: 500, what: `${n} events of run ${run}` });
  } catch (err) {
    // Which lines are missing tells a lost rotation from a lost batch.
    const held = await seqsOf(url, run).catch(() => null);
    const missing = held ? ` (missing of 0..${n - 1}: ${missingRanges(held, n)})` : '';
    throw new Error(`${(err as Error).message} (last count ${last})${missing}`);
  }
}

/** The seqs of 0..n-1 not in `held`, as ranges ("100-599, 2600-3099"), the first 20. */
export function missingRanges(held: number[], n: number): string {
  const have = new Set(held);
  const out: string[] = [];
  for (let s = 0; s < n && out.length < 20; s++) {
    if (have.has(s)) continue;
    let e = s;
    while (e + 1 < n && !have.has(e + 1)) e++;
    out.push(s === e ? String(s) : `${s}-${e}`);
    s = e;
  }
  return out.length === 0 ? 'none' : out.join(', ');
}

/** Every expected seq exactly once, nothing else. */
export function assertExactlyOnce(seqs: number[], expected: number[], what = 'lines'): void {
  const seen = new Map<number, number>();
  for (const s of seqs) seen.set(s, (seen.get(s) ?? 0) + 1);
  const dups = [...seen].filter(([, c]) => c > 1).map(([s]) => s);
  const missing = expected.filter((s) => !seen.has(s));
  assert.deepEqual({ duplicates: dups.slice(0, 20), missing: missing.slice(0, 20) }, { duplicates: [], missing: [] }, `every one of ${expected.length} ${what} exactly once`);
  assert.equal(seqs.length, expected.length);
}

export const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

/**
 * A log writer as applications have one: an open append handle, reopened
 * after rotation (so lines written between the rename and the reopen land
 * in the rotated file, as they do in production).
 */
export class LogWriter {
  private fh: FileHandle | null = null;
  constructor(readonly path: string) {}

  async write(text: string): Promise<void> {
    this.fh ??= await open(this.path, 'a');
    await this.fh.write(text);
  }

  /** logrotate's default: rename, then the application reopens its file. */
  async rotateByRename(to: string): Promise<void> {
    await rename(this.path, to);
    await this.reopen();
  }

  async reopen(): Promise<void> {
    await this.fh?.close();
    this.fh = await open(this.path, 'a');
  }

  async close(): Promise<void> {
    await this.fh?.close();
    this.fh = null;
  }
}

/** CPU seconds (user+system) and RSS bytes of a process, from /proc. */
export function processStats(pid: number): { cpuS: number; rssBytes: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return { cpuS: ticks / 100, rssBytes: rssKb * 1024 };
}

/** How many files under `dir` a process holds open (from /proc). */
export function handlesUnder(pid: number, dir: string): number {
  let n = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try { if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith(dir)) n++; } catch { /* gone */ }
  }
  return n;
}
