/**
 * A command whose promise never settles once nothing is left running (an
 * unref'd timer it waits on: a listener check hit this) let the process
 * exit 0, read by a script or systemd as success. runCommand, which the
 * bin runs every command through, makes that exit 70 with a line on
 * stderr; a command that finishes keeps its own status. Real processes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cliIo = new URL('./cli-io.js', import.meta.url).href;

function run(body: string): { status: number | null; stderr: string } {
  const script = `import { runCommand } from ${JSON.stringify(cliIo)};\n${body}`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', cwd: fileURLToPath(new URL('.', import.meta.url)) });
  return { status: r.status, stderr: r.stderr };
}

test('a command that never settles, with nothing left running, exits 70 and says so', () => {
  const r = run(`runCommand(new Promise((resolve) => { setTimeout(resolve, 60_000).unref(); }));`);
  assert.equal(r.status, 70);
  assert.match(r.stderr, /stopped before it finished/);
});

test('a command that finishes keeps its status (0, 1, 3), a failure is 1 with its message, an own process.exit stays', () => {
  assert.deepEqual(run('runCommand(Promise.resolve(undefined));'), { status: 0, stderr: '' });
  assert.deepEqual(run('runCommand(Promise.resolve(3));'), { status: 3, stderr: '' });
  assert.deepEqual(run("runCommand(Promise.reject(new Error('boom')));"), { status: 1, stderr: 'boom\n' });
  assert.deepEqual(run('runCommand(new Promise(() => {})); setTimeout(() => process.exit(141), 10);'), { status: 141, stderr: '' });
});
