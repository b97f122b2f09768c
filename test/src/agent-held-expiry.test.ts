/**
 * Lines of a damaged day held by the agent (agent-held-lines.test.ts), as an
 * operator counts and ends them: `events_shipped_total` counts held lines
 * when the server takes them, not with the batch they came in; and with
 * `spool.max_held_age_s` lines held longer are dropped, counted per source
 * and logged, their checkpoint moves past them (a restart does not read
 * them again), and nothing else is dropped.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { removeDir, startAgent, startServer, stopAll, tempDir, waitFor } from './harness.js';
import { agentMetric, agentYaml, countOf, ingestDuplicates, seqsOf, timedLine } from './agent-support.js';
import { startWithDamagedDay } from './damaged-day.js';

after(stopAll);

test('held lines count as shipped when the server takes them; spool.max_held_age_s drops older ones, counted, once, and nothing else', { timeout: 240_000 }, async () => {
  const root = await tempDir('logship-held-expiry-');
  try {
    const day = await startWithDamagedDay(root);
    const { port, dataDir, damaged } = day;
    let server = day.server;

    // Ten lines per file: even today, odd of the damaged day.
    const at = day.timeOf;
    const logs = join(root, 'logs');
    mkdirSync(logs);
    writeFileSync(join(logs, 'counted.log'), Array.from({ length: 10 }, (_, seq) => timedLine(seq, at(seq), 'counted')).join('\n') + '\n');
    writeFileSync(join(logs, 'expired.log'), Array.from({ length: 10 }, (_, seq) => timedLine(seq, at(seq), 'expired')).join('\n') + '\n');

    // An agent that holds them until the server takes them.
    const countedAgent = await startAgent((countedPort) => agentYaml({ server: server.url, dataDir: join(root, 'agent-counted'), include: [join(logs, 'counted.log')], extra: `metrics: { listen: 127.0.0.1:${countedPort} }` }), join(root, 'counted.yaml'));
    const counted = `http://127.0.0.1:${countedAgent.metricsPort}`;
    // The batch is counted once its answer is read, after the server stored it; never its held lines.
    await waitFor(async () => (await agentMetric(counted, 'lines_held')) === 5 && (await countOf(server.url, 'counted')) === 5 && (await agentMetric(counted, 'events_shipped_total', '{source="file-0"}')) === 5,
      { timeoutMs: 60_000, what: 'five lines stored and counted as shipped, five held and not counted' });

    // An agent that gives them up after a second.
    let expiredYaml = '';
    let expiredAgent = await startAgent((expiredPort) => (expiredYaml = agentYaml({
      server: server.url, dataDir: join(root, 'agent-expired'), include: [join(logs, 'expired.log')], logLevel: 'info',
      extra: `metrics: { listen: 127.0.0.1:${expiredPort} }\nspool: { max_held_age_s: 1 }`,
    })), join(root, 'expired.yaml'));
    const expired = `http://127.0.0.1:${expiredAgent.metricsPort}`;
    await waitFor(async () => (await agentMetric(expired, 'held_expired_events_total', '{source="file-0"}')) === 5, { timeoutMs: 60_000, what: 'five held lines dropped' });
    assert.equal(await agentMetric(expired, 'lines_held'), 0);
    assert.equal(await countOf(server.url, 'expired'), 5, "today's lines are stored");
    assert.equal(await agentMetric(expired, 'events_shipped_total', '{source="file-0"}'), 5, 'dropped lines are not shipped');
    assert.equal(expiredAgent.output().match(/LS_AGENT_HELD_EXPIRED/g)?.length, 1, `said once:\n${expiredAgent.output()}`);
    assert.match(expiredAgent.output(), /5 held lines were dropped.*"file-0":5/);

    // Their checkpoint moved past them: a restart reads nothing again.
    assert.equal(await expiredAgent.stop('SIGTERM'), 0);
    const before = await ingestDuplicates(server.url);
    expiredAgent = await startAgent(expiredYaml, join(root, 'expired.yaml'));
    // A line written after the restart comes after anything read again, in file order.
    appendFileSync(join(logs, 'expired.log'), timedLine(10, Date.now(), 'expired') + '\n');
    await waitFor(async () => (await countOf(server.url, 'expired')) === 6, { timeoutMs: 60_000, what: 'the line written after the restart' });
    assert.equal(await ingestDuplicates(server.url), before, 'the restarted agent sent nothing again');

    // The operator's fix: held lines arrive and are counted then, once; dropped ones stay dropped.
    assert.equal(await server.stop('SIGTERM'), 0);
    renameSync(damaged, `${damaged}.damaged`);
    server = await startServer({ dataDir, port });
    await waitFor(async () => (await agentMetric(counted, 'lines_held')) === 0 && (await countOf(server.url, 'counted')) === 10, { timeoutMs: 60_000, what: 'the held lines taken' });
    assert.equal(await agentMetric(counted, 'events_shipped_total', '{source="file-0"}'), 10, 'each line counted once');
    assert.deepEqual((await seqsOf(server.url, 'expired')).sort((a, b) => a - b), [0, 2, 4, 6, 8, 10], 'dropped lines are not sent again');
    assert.equal(await agentMetric(expired, 'lines_held'), 0);
    assert.equal(await countedAgent.stop('SIGTERM'), 0);
    assert.equal(await expiredAgent.stop('SIGTERM'), 0);
  } finally {
    await stopAll();
    await removeDir(root);
  }
});
