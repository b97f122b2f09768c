/**
 * `max_age_s` on file sources (Filebeat's ignore_older, Vector's
 * ignore_older_secs): an agent started on a host with old logs under its
 * globs shipped all of them. A file found without a checkpoint whose last
 * write is older than the limit is now followed from its end: nothing of it
 * is shipped, what is written to it later is, once, whether the agent runs
 * or is stopped meanwhile; a file the agent was reading (checkpointed) is
 * never skipped, however old; with no limit (the default) old files are read
 * whole. Real server and agent processes, real files aged with utimes.
 */
import assert from 'node:assert/strict';
import { appendFile, mkdir, rename, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { removeDir, startAgent, startServer, stopAll, tempDir, waitFor, type ServerHandle } from './harness.js';
import { agentMetric, agentYaml, assertExactlyOnce, ingestDuplicates, range, seqsOf, waitForCount } from './agent-support.js';

let root: string;
let server: ServerHandle;

before(async () => {
  root = await tempDir('logship-agent-old-');
  server = await startServer({ dataDir: join(root, 'server') });
});

after(async () => {
  await stopAll();
  await removeDir(root);
});

const DAY_S = 86_400;
/** A JSON line of `run` numbered `seq` (its own time: now). */
const line = (run: string, seq: number): string => `${JSON.stringify({ '@timestamp': new Date().toISOString(), level: 'info', message: `${run} seq=${seq}`, run, seq })}\n`;
const lines = (run: string, from: number, to: number): string => range(from, to).map((s) => line(run, s)).join('');

/** Writes a file and sets its modification time `ageS` seconds back. */
async function writeAged(path: string, text: string, ageS: number): Promise<void> {
  await writeFile(path, text);
  const t = (Date.now() - ageS * 1000) / 1000;
  await utimes(path, t, t);
}

const sorted = async (run: string): Promise<number[]> => (await seqsOf(server.url, run)).sort((a, b) => a - b);

test('max_age_s: old files found without a checkpoint are followed from their end; later lines arrive once; a checkpointed file is never skipped; 0 reads all', async () => {
  const logs = join(root, 'logs');
  const nginx = join(root, 'nginx');
  const plain = join(root, 'plain');
  for (const d of [logs, nginx, plain]) await mkdir(d);
  const yamlFor = (port: number): string => [
    agentYaml({
      server: server.url, dataDir: join(root, 'agent'), include: [join(logs, '*.log')], logLevel: 'info',
      extra: `metrics: { listen: 127.0.0.1:${port} }`, source: `    max_age_s: ${DAY_S}`,
    }),
    '  - type: nginx',
    `    include: [${JSON.stringify(join(nginx, 'access.log'))}]`,
    `    max_age_s: ${DAY_S}`,
    '    poll_interval_ms: 250',
    '  - type: file',
    '    name: unlimited',
    `    include: [${JSON.stringify(join(plain, '*.log'))}]`,
    '    poll_interval_ms: 250',
    '',
  ].join('\n');
  const cfg = join(root, 'agent.yaml');

  // A file the agent reads while it is new: it has a checkpoint from then on.
  const tracked = join(logs, 'tracked.log');
  await writeFile(tracked, lines('tracked', 0, 3));
  let agent = await startAgent(yamlFor, cfg);
  const metrics = `http://127.0.0.1:${agent.metricsPort}`;
  const yaml = yamlFor(agent.metricsPort!);
  await waitForCount(server.url, 'tracked', 3, 60_000);
  assert.equal(await agent.stop('SIGTERM'), 0, agent.output());

  // While the agent is stopped: the tracked file gets lines and then looks three days old; old logs appear.
  await appendFile(tracked, lines('tracked', 3, 5));
  const t = (Date.now() - 3 * DAY_S * 1000) / 1000;
  await utimes(tracked, t, t);
  await writeAged(join(logs, 'old.log'), lines('old', 0, 50), 3 * DAY_S);
  await writeAged(join(logs, 'ancient.log'), lines('ancient', 0, 20), 400 * DAY_S);
  await writeFile(join(logs, 'recent.log'), lines('recent', 0, 4));
  await writeAged(join(nginx, 'access.log'), lines('nginx', 0, 30), 2 * DAY_S);
  await writeAged(join(plain, 'kept.log'), lines('kept', 0, 10), 400 * DAY_S);

  agent = await startAgent(yaml, cfg);
  // A checkpoint wins over age: the lines written to the tracked file while the agent was stopped arrive.
  await waitForCount(server.url, 'tracked', 5, 60_000);
  await waitForCount(server.url, 'recent', 4, 60_000);
  // No limit (the default): an old file is read whole, as before.
  await waitForCount(server.url, 'kept', 10, 60_000);
  assert.equal(await agentMetric(metrics, 'files_skipped_old_total', '{source="file-0"}'), 2);
  assert.equal(await agentMetric(metrics, 'files_skipped_old_total', '{source="nginx-1"}'), 1);
  assert.equal(await agentMetric(metrics, 'files_skipped_old_total', '{source="unlimited"}'), 0);
  // Said once per source at start, with the count.
  assert.equal(agent.output().match(/2 files found at start were last written more than max_age_s ago/g)?.length, 1, agent.output());
  assert.equal(agent.output().match(/A file found at start was last written more than max_age_s ago/g)?.length, 1, agent.output());

  // Written to again while the agent runs: the new lines arrive, the old ones (before them in the file) never.
  await appendFile(join(logs, 'old.log'), lines('old', 50, 53));
  await appendFile(join(nginx, 'access.log'), lines('nginx', 30, 32));
  await waitForCount(server.url, 'old', 3, 60_000);
  await waitForCount(server.url, 'nginx', 2, 60_000);
  assert.deepEqual(await sorted('old'), [50, 51, 52]);
  assert.deepEqual(await sorted('nginx'), [30, 31]);

  // An old file that appears while the agent runs (moved in, its time kept) is skipped too, and said.
  const outside = join(root, 'moved.log');
  await writeAged(outside, lines('moved', 0, 5), 10 * DAY_S);
  await rename(outside, join(logs, 'moved.log'));
  await waitFor(async () => (await agentMetric(metrics, 'files_skipped_old_total', '{source="file-0"}')) === 3 || undefined,
    { timeoutMs: 60_000, what: 'the moved file skipped' });
  assert.match(agent.output(), /A file found was last written more than max_age_s ago/);
  assert.equal(await agent.stop('SIGTERM'), 0, agent.output());

  // Written while the agent is stopped, after it saw the file: those lines arrive at the next start, the old ones never.
  await appendFile(join(logs, 'ancient.log'), lines('ancient', 20, 23));
  await appendFile(join(logs, 'moved.log'), lines('moved', 5, 6));
  agent = await startAgent(yaml, cfg);
  await waitForCount(server.url, 'ancient', 3, 60_000);
  await waitForCount(server.url, 'moved', 1, 60_000);
  // A last line on every file, read after everything before it in each.
  await appendFile(tracked, lines('tracked', 5, 6));
  await appendFile(join(logs, 'old.log'), lines('old', 53, 54));
  await waitForCount(server.url, 'tracked', 6, 60_000);
  await waitForCount(server.url, 'old', 4, 60_000);
  assert.equal(await agent.stop('SIGTERM'), 0, agent.output());
  assert.doesNotMatch(agent.output(), /last written more than max_age_s ago/, 'nothing skipped again: the skipped files have a position');

  assert.deepEqual(await sorted('ancient'), [20, 21, 22]);
  assert.deepEqual(await sorted('moved'), [5]);
  assertExactlyOnce(await seqsOf(server.url, 'tracked'), range(0, 6), 'lines of the checkpointed file');
  assertExactlyOnce(await seqsOf(server.url, 'recent'), range(0, 4), 'lines of the new file');
  assertExactlyOnce(await seqsOf(server.url, 'kept'), range(0, 10), 'lines of the old file with no limit');
  assert.deepEqual(await sorted('old'), [50, 51, 52, 53]);
  assert.equal(await ingestDuplicates(server.url), 0);
});
