/**
 * `logship search … | head -2` (and any command whose reader stops early)
 * ends quietly with status 141, 128 + SIGPIPE, as `seq` or `grep` do in the
 * same place: it used to die of an unhandled EPIPE with a stack trace and
 * status 1, which for search means "nothing found". Real `logship serve`,
 * real CLI processes, real readers that close their end of the pipe.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ingest, logshipBin, removeDir, startServer, stopAll, tempDir, type ServerHandle } from './harness.js';

/**
 * Runs `logship ARGS | READER` in bash; the CLI's status (PIPESTATUS), its
 * stderr, and what the reader printed. `signal` (the test's, aborted at its
 * timeout) kills the whole pipeline, so a CLI that never exits fails the
 * test instead of outliving it.
 */
function piped(args: string[], reader: string, signal?: AbortSignal): Promise<{ status: number; stderr: string; read: string }> {
  const quoted = [process.execPath, logshipBin, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const script = `${quoted} 2>"$ERR" | ${reader}; echo "status=\${PIPESTATUS[0]}"`;
  return new Promise((resolve, reject) => {
    const err = join(root, `stderr-${Math.random().toString(36).slice(2)}`);
    // Its own process group, so that killGroup reaches the CLI too, not only bash.
    const shell = spawn('bash', ['-c', script], { env: { ...process.env, ERR: err }, detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    shell.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    const killGroup = (): void => {
      try {
        process.kill(-shell.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    signal?.addEventListener('abort', killGroup, { once: true });
    shell.on('error', reject);
    shell.on('close', async (code) => {
      signal?.removeEventListener('abort', killGroup);
      if (code !== 0) return reject(new Error(`bash exited ${code}: ${stdout}`));
      const status = Number(/status=(\d+)\s*$/.exec(stdout)?.[1]);
      resolve({ status, stderr: await readFile(err, 'utf8'), read: stdout.replace(/status=\d+\s*$/, '') });
    });
  });
}

let root: string;

describe('logship CLI: a reader that closes the pipe early', () => {
  let server: ServerHandle;

  before(async () => {
    root = await tempDir('logship-closed-pipe-');
    server = await startServer({ dataDir: join(root, 'data') });
    const now = Date.now();
    // ~200 KiB of printed lines: more than a pipe holds, so writes go on after the reader has left.
    const lines = Array.from({ length: 3000 }, (_, i) => JSON.stringify({
      time: new Date(now - i * 10).toISOString(), level: 'info', msg: `closed pipe test line ${i} with enough words to make a long line of output`,
    }));
    assert.equal((await ingest(server.url, lines)).stored, 3000);
  });

  after(async () => {
    await stopAll();
    await removeDir(root);
  });

  for (const json of [false, true]) {
    test(`search${json ? ' --json' : ''} | head -2: status 141, no stack trace`, async () => {
      const args = ['search', '*', '--from', 'now-1d', '--limit', '2000', '--server', server.url, ...(json ? ['--json'] : [])];
      const r = await piped(args, 'head -2');
      assert.equal(r.read.trim().split('\n').length, 2, r.read);
      assert.equal(r.stderr, '', 'nothing on stderr');
      assert.equal(r.status, 141);
    });
  }

  test('retention status --server: a reader gone before the first line: status 141, no stack trace', async () => {
    const child = spawn(process.execPath, [logshipBin, 'retention', 'status', '--server', server.url], { stdio: ['ignore', 'pipe', 'pipe'] });
    // Our end of its stdout closed at once: its first write meets a pipe without a reader.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
    assert.equal(stderr, '');
    assert.deepEqual({ code, signal }, { code: 141, signal: null });
  });

  test('search --follow | head -3 with no event arriving after: exits (141, quietly) once head has, not at the next event', { timeout: 60_000 }, async (t) => {
    // Three events the query matches, a page that fits in the pipe: no
    // write fails, and nothing matching is committed afterwards, so only
    // noticing head's exit ends the CLI. Waiting for it is the test: a CLI
    // that waits for the next event runs until this test's timeout.
    const now = Date.now();
    const marks = Array.from({ length: 3 }, (_, i) => JSON.stringify({ '@timestamp': new Date(now - 1000 + i).toISOString(), message: `followpipe mark ${i}`, 'event.id': `followpipe-${i}` }));
    assert.equal((await ingest(server.url, marks)).stored, 3);
    const r = await piped(['search', 'followpipe', '--follow', '--from', 'now-1h', '--json', '--server', server.url], 'head -3', t.signal);
    assert.deepEqual(r.read.trim().split('\n').map((l) => (JSON.parse(l) as { message: string }).message), ['followpipe mark 0', 'followpipe mark 1', 'followpipe mark 2']);
    assert.equal(r.stderr, '', 'nothing on stderr');
    assert.equal(r.status, 141);
  });

  test('the whole output read: status 0 as before', async () => {
    const r = await piped(['search', '*', '--from', 'now-1d', '--limit', '2000', '--server', server.url], 'wc -l');
    assert.equal(r.read.trim(), '2000');
    assert.equal(r.status, 0);
  });
});
