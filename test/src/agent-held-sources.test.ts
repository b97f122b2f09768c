/**
 * Which source held lines are counted under (events_shipped_total when the
 * server takes them, held_expired_events_total when given up), for held
 * files a user has after an upgrade or a rename:
 * - written by the previous agent, which recorded no sources in them
 *   (`"sources":{}`) and no `held_through` in its checkpoint: counted under
 *   the source that reads their file (before, not counted as shipped at
 *   all, and given up without a source label);
 * - held by a source the user renamed since: counted under its new name in
 *   every later run (before, under the old name once the run that adopted
 *   the rename was over, unless that run had sent them and written their
 *   file again).
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { after, test } from 'node:test';
import { freePort, removeDir, startAgent, startServer, stopAll, tempDir, waitFor, type AgentHandle } from './harness.js';
import { agentMetric, agentYaml, timedLine } from './agent-support.js';
import { startWithDamagedDay } from './damaged-day.js';

after(stopAll);

async function metricsText(metricsUrl: string): Promise<string> {
  return (await fetch(`${metricsUrl}/metrics`)).text();
}

interface Agent {
  dir: string;
  /** Its metrics URL, on the port picked at its first start and kept for the later ones. */
  readonly metrics: string;
  /** Starts it with its source named `source` ('': unnamed), `extra` config, shipping to `serverUrl`. */
  start: (source: string, extra?: string, serverUrl?: string) => Promise<AgentHandle>;
}

function agentOf(root: string, server: string, name: string, file: string): Agent {
  let port = 0;
  const dir = join(root, `agent-${name}`);
  const cfg = join(root, `${name}.yaml`);
  const yaml = (source: string, extra: string, serverUrl: string, at: number): string =>
    agentYaml({ server: serverUrl, dataDir: dir, include: [file], logLevel: 'info', source: source ? `    name: ${source}` : '', extra: `metrics: { listen: 127.0.0.1:${at} }\n${extra}` });
  return {
    dir,
    get metrics() {
      return `http://127.0.0.1:${port}`;
    },
    start: (source, extra = '', serverUrl = server) =>
      startAgent(port === 0 ? (picked) => yaml(source, extra, serverUrl, (port = picked)) : yaml(source, extra, serverUrl, port), cfg),
  };
}

/**
 * The agent's held file and checkpoint as the previous agent wrote them: a
 * header without the held lines' sources (`{}`: that agent counted them
 * with their batch), and a checkpoint without `held_through`.
 */
function asPreviousAgentWroteThem(dir: string, ageMs = 0): void {
  const spool = join(dir, 'spool');
  const [name, ...more] = readdirSync(spool).filter((n) => n.endsWith('.held'));
  assert.ok(name !== undefined && more.length === 0);
  const data = readFileSync(join(spool, name));
  const nl = data.indexOf(10);
  const header = JSON.parse(data.subarray(0, nl).toString('utf8')) as { count: number; positions: unknown; since_ms: number };
  const body = gzipSync(gunzipSync(data.subarray(nl + 1)));
  const old = { v: 1, count: header.count, positions: header.positions, sources: {}, since_ms: header.since_ms - ageMs };
  writeFileSync(join(spool, name), Buffer.concat([Buffer.from(JSON.stringify(old) + '\n'), body]));
  const checkpoint = JSON.parse(readFileSync(join(dir, 'checkpoints.json'), 'utf8')) as Record<string, unknown>;
  delete checkpoint.held_through;
  writeFileSync(join(dir, 'checkpoints.json'), JSON.stringify(checkpoint));
}

test('held lines of the previous agent and of a renamed source are counted under the source that reads their file now', { timeout: 300_000 }, async () => {
  const root = await tempDir('logship-held-sources-');
  try {
    const day = await startWithDamagedDay(root);
    const { port, dataDir, damaged } = day;
    let server = day.server;
    const at = day.timeOf;
    const logs = join(root, 'logs');
    mkdirSync(logs);
    const files = ['taken', 'expired', 'renamed'].map((run) => {
      const file = join(logs, `${run}.log`);
      writeFileSync(file, Array.from({ length: 10 }, (_, seq) => timedLine(seq, at(seq), run)).join('\n') + '\n');
      return file;
    });
    const taken = agentOf(root, server.url, 'taken', files[0]!);
    const expired = agentOf(root, server.url, 'expired', files[1]!);
    const renamed = agentOf(root, server.url, 'renamed', files[2]!);

    // Each agent holds the damaged day's five lines and stops.
    for (const [a, source] of [[taken, ''], [expired, ''], [renamed, 'app']] as const) {
      const agent = await a.start(source);
      await waitFor(async () => (await agentMetric(a.metrics, 'lines_held')) === 5, { timeoutMs: 60_000, what: 'five lines held' });
      assert.equal(await agent.stop('SIGTERM'), 0);
    }

    // The user renames the source `app` to `web`: the run that adopts it (while the server
    // cannot be reached, so that the held file is not sent and written again), and a later one.
    const nobody = `http://127.0.0.1:${await freePort()}`;
    const agent = await renamed.start('web', '', nobody);
    await waitFor(() => agent.output().includes('A source was renamed'), { timeoutMs: 30_000, what: 'the rename adopted' });
    assert.equal(await agent.stop('SIGTERM'), 0);
    const renamedAgent = await renamed.start('web');

    // Upgraded over the previous agent's files.
    asPreviousAgentWroteThem(taken.dir);
    asPreviousAgentWroteThem(expired.dir, 7_200_000);
    const takenAgent = await taken.start('');
    const expiredAgent = await expired.start('', 'spool: { max_held_age_s: 3600 }');
    await waitFor(async () => (await agentMetric(expired.metrics, 'lines_held')) === 0, { timeoutMs: 60_000, what: 'the old held lines given up' });
    assert.equal(await agentMetric(expired.metrics, 'held_expired_events_total', '{source="file-0"}'), 5, await metricsText(expired.metrics));
    assert.doesNotMatch(await metricsText(expired.metrics), /^logship_agent_held_expired_events_total [1-9]/m, 'none without a source');

    // The operator's fix: the held lines are taken.
    assert.equal(await server.stop('SIGTERM'), 0);
    renameSync(damaged, `${damaged}.damaged`);
    server = await startServer({ dataDir, port });
    await waitFor(async () => (await agentMetric(taken.metrics, 'lines_held')) === 0 && (await agentMetric(renamed.metrics, 'lines_held')) === 0, { timeoutMs: 60_000, what: 'the held lines taken' });
    assert.equal(await agentMetric(taken.metrics, 'events_shipped_total', '{source="file-0"}'), 5, await metricsText(taken.metrics));
    assert.equal(await agentMetric(renamed.metrics, 'events_shipped_total', '{source="web"}'), 5, await metricsText(renamed.metrics));
    assert.equal(await agentMetric(renamed.metrics, 'events_shipped_total', '{source="app"}'), 0, 'not under the old name');
    for (const a of [takenAgent, expiredAgent, renamedAgent]) assert.equal(await a.stop('SIGTERM'), 0);
  } finally {
    await stopAll();
    await removeDir(root);
  }
});
