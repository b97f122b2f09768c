/**
 * A batch mixing lines for a day whose partition the server found damaged
 * with lines of other days: the server stores the other days and answers
 * the damaged day's lines `retryable`; the real agent sends only those
 * again, and once the file is moved aside (the operator's fix) they arrive,
 * every line exactly once. Before, the whole batch was refused (503) and the
 * agent shipped nothing else until the file was replaced.
 */
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { removeDir, search, searchAll, startAgent, startServer, stopAll, tempDir, waitFor } from './harness.js';
import { agentYaml } from './agent-support.js';
import { startWithDamagedDay } from './damaged-day.js';


after(stopAll);

test('the agent: lines of a damaged day are sent again alone while the batch\'s other days are stored; once the file is moved aside every line arrives once', { timeout: 180_000 }, async () => {
  const root = await tempDir('logship-damaged-day-');
  try {
    const day = await startWithDamagedDay(root);
    const { port, dataDir, damaged } = day;
    let server = day.server;

    // One file, one batch: five lines of the damaged day between five of today.
    const logs = join(root, 'logs');
    mkdirSync(logs);
    const lines: string[] = [];
    for (let seq = 0; seq < 10; seq++) {
      const at = day.timeOf(seq);
      lines.push(JSON.stringify({ '@timestamp': new Date(at).toISOString(), level: 'info', message: `mixed seq=${seq}`, run: 'mixed', seq }));
    }
    writeFileSync(join(logs, 'app.log'), lines.join('\n') + '\n');
    const agent = await startAgent(agentYaml({ server: server.url, dataDir: join(root, 'agent'), include: [join(logs, '*.log')] }), join(root, 'agent.yaml'));

    // Today's lines are stored while the damaged day's are refused (retryably).
    await waitFor(async () => (await search(server.url, 'run:mixed', { from: 'now-3d' })).hits.length === 5, { timeoutMs: 60_000, what: "today's five lines" });
    const today = await searchAll(server.url, 'run:mixed', { from: 'now-3d' });
    assert.deepEqual(today.map((h) => h.seq).sort((a, b) => Number(a) - Number(b)), [0, 2, 4, 6, 8]);
    await waitFor(() => /were not stored for now.*held aside/.test(agent.output()), { what: 'the agent saying it sends the refused lines again' });

    // The operator's fix: the damaged file moved aside, the server started again on the same port.
    assert.equal(await server.stop('SIGTERM'), 0);
    renameSync(damaged, `${damaged}.damaged`);
    server = await startServer({ dataDir, port });
    await waitFor(async () => (await searchAll(server.url, 'run:mixed', { from: 'now-3d' })).length === 10, { timeoutMs: 60_000, what: 'all ten lines' });
    const all = await searchAll(server.url, 'run:mixed', { from: 'now-3d' });
    assert.deepEqual(all.map((h) => Number(h.seq)).sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 'every line once');
    await agent.stop('SIGTERM');
  } finally {
    await stopAll();
    await removeDir(root);
  }
});
