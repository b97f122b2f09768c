/**
 * `logship search`, `count`, `top` and `stats` over a range holding a
 * damaged day and one the server's user may not open (left-out-days.ts),
 * through the real bin against a real server: stdout is the other day's
 * results as without the warnings (pure JSON with --json), stderr says
 * each left-out partition once, `warning: <message> [<code>]`, and the
 * exit code is the results'. They said nothing of it: a day missing from
 * a count read as a quiet day.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { logshipBin, removeDir, repoRoot, runLogship, stopAll, tempDir, waitFor } from './harness.js';
import { startWithLeftOutDays, type LeftOutDays } from './left-out-days.js';

describe('CLI: partitions left out of the answers', { timeout: 180_000 }, () => {
  let root: string;
  let days: LeftOutDays;

  before(async () => {
    root = await tempDir('logship-cli-warnings-');
    days = await startWithLeftOutDays(root);
  });

  after(async () => {
    await stopAll();
    await removeDir(root);
  });

  async function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return runLogship([...args, '--server', days.server.url, '--from', days.all.from, '--to', days.all.to]);
  }

  /** stderr's warning lines: each left-out partition once, by its file, with its code last. */
  function assertWarned(stderr: string): void {
    const lines = stderr.split('\n').filter((l) => l.startsWith('warning: '));
    assert.equal(lines.length, 2, stderr);
    for (const d of [days.damaged, days.denied]) {
      const said = lines.filter((l) => l.includes(`/${d.partition}`));
      assert.equal(said.length, 1, `${d.partition} said once: ${stderr}`);
      assert.ok(said[0]!.endsWith(`; its events are left out of this answer [${d.code}]`), said[0]);
    }
    assert.match(lines.find((l) => l.includes(days.damaged.partition))!, /damaged/);
    assert.match(lines.find((l) => l.includes(days.denied.partition))!, /permission denied/);
  }

  test('search: the other day\'s events on stdout, each left-out day on stderr, exit 0', async () => {
    const r = await run(['search', '*', '--sort', 'asc']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trimEnd().split('\n').map((l) => l.replace(/^.*\s(kept \d)$/, '$1')), days.kept.messages);
    assertWarned(r.stderr);
  });

  test('search --json and --output json: stdout is one JSON event a line, nothing else', async () => {
    for (const flag of [['--json'], ['--output', 'json']]) {
      const r = await run(['search', '*', '--sort', 'asc', ...flag]);
      assert.equal(r.code, 0, r.stderr);
      const events = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { message: string });
      assert.deepEqual(events.map((e) => e.message), days.kept.messages);
      assertWarned(r.stderr);
    }
  });

  test('search finding nothing: exit 1 as before, the warnings said beside why', async () => {
    const r = await run(['search', 'message:absent']);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stdout, '');
    assertWarned(r.stderr);
  });

  test('search --follow: the backlog on stdout, the warnings on stderr before it streams; Ctrl-C ends it 0', async () => {
    const proc = spawn(process.execPath, [logshipBin, 'search', '*', '--follow', '--server', days.server.url, '--from', days.all.from], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    try {
      await waitFor(() => stderr.split('\n').filter((l) => l.startsWith('warning: ')).length === 2 && stdout.split('\n').length > days.kept.messages.length, { what: 'the backlog and both warnings' })
        .catch((err: Error) => { throw new Error(`${err.message}; stdout ${JSON.stringify(stdout)}, stderr ${JSON.stringify(stderr)}`); });
    } finally {
      proc.kill('SIGINT');
    }
    assert.equal(await exited, 0, stderr);
    assert.deepEqual(stdout.trimEnd().split('\n').map((l) => l.replace(/^.*\s(kept \d)$/, '$1')), days.kept.messages);
    assertWarned(stderr);
  });

  test('count, top and stats: their answer on stdout, the warnings once each on stderr', async () => {
    const count = await run(['count']);
    assert.deepEqual([count.code, count.stdout], [0, '3\n'], count.stderr);
    assertWarned(count.stderr);
    const countJson = await run(['count', '--json']);
    assert.deepEqual(JSON.parse(countJson.stdout), { value: 3, relation: 'eq' });
    assertWarned(countJson.stderr);

    const top = await run(['top', 'run']);
    assert.equal(top.code, 0, top.stderr);
    assert.match(top.stdout, /^\s+3 {2}kept\n$/);
    assertWarned(top.stderr);

    // Two questions (stats, percentiles), each naming both partitions: said once.
    const stats = await run(['stats', 'bytes']);
    assert.equal(stats.code, 0, stats.stderr);
    assert.match(stats.stdout, /^count\s+min\s+avg\s+max\s+p50\s+p95\s+p99\n\s*3\s+100\s+101\s+102\s/);
    assertWarned(stats.stderr);
    const statsJson = await run(['stats', 'bytes', '--output', 'json']);
    assert.equal((JSON.parse(statsJson.stdout) as { count: number }).count, 3);
    assertWarned(statsJson.stderr);
  });
});
