/**
 * A stack trace longer than the agent's multiline limits, end to end: a
 * real python3 recursing until RecursionError (a traceback of ~3,000 lines,
 * ~75 KB), its stderr shipped by a real agent with docs/AGENT.md's Python
 * multiline line, into a real server. The agent cuts the trace into parts
 * (at max_message_bytes, and at max_lines); before, only a part holding the
 * whole trace's head and exception got `error.type`, and Python prints the
 * exception last, in the last part, which has no `Traceback` line: none of
 * the parts got it. Now every part carries the exception and the first
 * part's id, so `error.type:RecursionError` finds the trace whole.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { removeDir, repoRoot, searchAll, startAgent, startServer, stopAll, tempDir, waitFor, type ServerHandle } from './harness.js';
import { waitForAcknowledged } from './agent-support.js';

const python = spawnSync('python3', ['--version'], { stdio: 'ignore' }).error === undefined;

// f and g alternate, so Python prints every frame (it folds only a frame repeated as is).
const RECURSE = `import logging
logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s %(message)s", level=logging.INFO)
logging.getLogger("orders.pricing").error("pricing order 42")
def f(n):
    return g(n + 1)
def g(n):
    return f(n + 1)
f(0)
`;

/** docs/AGENT.md's multiline line for Python records, with a short timeout for the file's last event. */
function pythonMultiline(): string {
  const lines = readFileSync(join(repoRoot, 'docs/AGENT.md'), 'utf8').split('\n');
  const line = lines[lines.indexOf('# Python logging, records starting with their date') + 1] ?? '';
  assert.ok(line.startsWith('multiline: {'), 'docs/AGENT.md\'s Python multiline line');
  return line.slice('multiline: '.length).replace(/ }$/, ', timeout_ms: 300 }');
}

describe('a stack trace cut into parts', { skip: python ? false : 'python3 not installed' }, () => {
  let root: string;
  let server: ServerHandle;

  before(async () => {
    root = await tempDir('logship-cut-trace-');
    server = await startServer({ dataDir: join(root, 'server') });
  });

  after(async () => {
    await stopAll();
    await removeDir(root);
  });

  test('every part of a long Python traceback carries its exception and the first part\'s id; error.type finds them all', async () => {
    const dir = join(root, 'python');
    await mkdir(dir);
    await writeFile(join(dir, 'recurse.py'), RECURSE);
    const log = join(dir, 'stderr.log');
    const fd = openSync(log, 'a');
    try {
      assert.equal(spawnSync('python3', ['recurse.py'], { cwd: dir, stdio: ['ignore', fd, fd], timeout: 60_000 }).status, 1);
    } finally {
      closeSync(fd);
    }
    const trace = readFileSync(log, 'utf8').replace(/\n$/, '');
    assert.ok(trace.length > 65_536 && trace.split('\n').length > 2000, `a traceback past max_message_bytes and max_lines: ${trace.length} bytes`);
    assert.match(trace, /\nRecursionError: maximum recursion depth exceeded[^\n]*$/);

    // Cut at max_message_bytes (64 KiB, max_lines out of the way), and at max_lines (500, the default).
    const multiline = pythonMultiline();
    const yaml = [
      'server:', `  url: ${server.url}`, `data_dir: ${join(root, 'agent')}`, 'batch: { max_age_ms: 100 }', 'log_level: warn', 'sources:',
      '  - type: file', '    name: by-bytes', `    include: [${JSON.stringify(log)}]`, '    labels: { job: by-bytes }', '    poll_interval_ms: 250',
      `    multiline: ${multiline.replace(/ }$/, ', max_lines: 10000 }')}`,
      '  - type: file', '    name: by-lines', `    include: [${JSON.stringify(log)}]`, '    labels: { job: by-lines }', '    poll_interval_ms: 250',
      `    multiline: ${multiline}`,
      '',
    ].join('\n');
    const agent = await startAgent(yaml, join(root, 'agent.yaml'));
    await waitForAcknowledged(agent.metricsPort!, [log]);
    for (const [job, atLeast] of [['by-bytes', 2], ['by-lines', 6]] as const) {
      const parts = await waitFor(async () => {
        const hits = await searchAll(server.url, `job:"${job}"`);
        return hits.length > 0 && hits.map((h) => String(h.message)).join('\n').length >= trace.length && hits;
      }, { timeoutMs: 30_000, what: `the trace's parts (${job})` });
      assert.ok(parts.length >= atLeast, `${job}: ${parts.length} parts`);
      parts.sort((a, b) => Number(a['log.cut.part']) - Number(b['log.cut.part']));
      const first = parts[0]!['event.id'];
      parts.forEach((p, i) => {
        assert.equal(p['error.type'], 'RecursionError', `${job}: part ${i + 1} of ${parts.length}`);
        assert.match(String(p['error.message']), /^maximum recursion depth exceeded/);
        assert.equal(p['log.cut.part'], i + 1, `${job}: part ${i + 1}`);
        assert.equal(p['log.cut.parts'], parts.length);
        assert.equal(p['log.cut.first'], first);
      });
      assert.ok(parts.every((p) => Buffer.byteLength(String(p.message)) <= 65_536));
      // The parts, in order, are the trace: no line lost or doubled at a cut.
      assert.equal(parts.map((p) => String(p.message)).join('\n'), trace);
      // Found whichever part held the exception line, and each part finds the others.
      assert.equal((await searchAll(server.url, `job:"${job}" AND error.type:RecursionError`)).length, parts.length);
      assert.equal((await searchAll(server.url, `log.cut.first:"${String(first)}"`)).length, parts.length);
    }
    assert.equal(await agent.stop('SIGTERM'), 0, agent.output());
  });
});
