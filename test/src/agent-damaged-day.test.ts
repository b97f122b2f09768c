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
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ingest, removeDir, repoRoot, search, searchAll, startAgent, startServer, stopAll, tempDir, waitFor } from './harness.js';
import { agentYaml } from './agent-support.js';

interface Db {
  exec(sql: string): void;
  close(): void;
}
const Database = createRequire(join(repoRoot, 'packages/ingest/package.json'))('better-sqlite3') as new (file: string) => Db;

after(stopAll);

const DAY = 86_400_000;

test('the agent: lines of a damaged day are sent again alone while the batch\'s other days are stored; once the file is moved aside every line arrives once', { timeout: 180_000 }, async () => {
  const root = await tempDir('logship-damaged-day-');
  try {
    const dataDir = join(root, 'data');
    const yesterdayNoon = Math.floor(Date.now() / DAY) * DAY - DAY / 2;
    const yesterday = new Date(yesterdayNoon).toISOString().slice(0, 10);
    let server = await startServer({ dataDir });
    const port = server.port;
    await ingest(server.url, Array.from({ length: 50 }, (_, i) => JSON.stringify({ '@timestamp': new Date(yesterdayNoon + i * 1000).toISOString(), message: `old ${i}`, run: 'old' })));
    assert.equal(await server.stop('SIGTERM'), 0);
    // Valid SQLite pages holding garbage where the columns were: the block format's decoding finds it.
    const damaged = join(dataDir, 'blocks', `${yesterday}.default.db`);
    const db = new Database(damaged);
    db.exec('UPDATE cols SET data = randomblob(length(data))');
    db.close();

    server = await startServer({ dataDir, port });
    // A search over the day finds the damage; from then on writes to that day are refused.
    const found = await fetch(`${server.url}/api/v1/search?q=*&from=now-3d&sort=asc&limit=5`);
    assert.match(await found.text(), /LS_STORE_CORRUPT_PARTITION/);

    // One file, one batch: five lines of the damaged day between five of today.
    const logs = join(root, 'logs');
    mkdirSync(logs);
    const lines: string[] = [];
    for (let seq = 0; seq < 10; seq++) {
      const at = seq % 2 === 0 ? Date.now() - 60_000 + seq : yesterdayNoon + 3_600_000 + seq;
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
