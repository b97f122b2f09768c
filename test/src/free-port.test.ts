/**
 * freePort() never gives two test processes running at once the same port,
 * nor one the kernel may hand to anyone's listen on 0 or outgoing
 * connection: in CI two files were given one port, and one file's tests
 * talked to the other's server.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { claimDir, ephemeralStart } from './free-port.js';
import { freePort } from './harness.js';

const N = 300;

test('no port from the range the kernel hands out by itself', async () => {
  const start = ephemeralStart();
  for (let i = 0; i < 50; i++) {
    const port = await freePort();
    assert.ok(port < start, `port ${port} is in the kernel's ephemeral range (from ${start})`);
  }
});

test('two test processes at once get distinct ports, held until the holder exits', async () => {
  const harness = new URL('./harness.js', import.meta.url).href;
  const child = spawn(
    process.execPath,
    ['--input-type=module', '-e', `import { freePort } from '${harness}'; const ps = []; for (let i = 0; i < ${N}; i++) ps.push(await freePort()); console.log(JSON.stringify(ps)); process.stdin.resume(); process.stdin.on('end', () => process.exit(0));`],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise((r) => child.once('exit', r));
  try {
    const theirs = await new Promise<number[]>((resolveList, reject) => {
      child.stdout.on('data', () => {
        if (out.includes('\n')) resolveList(JSON.parse(out) as number[]);
      });
      child.once('exit', (code) => reject(new Error(`the other process exited with ${code} before listing its ports`)));
    });
    const mine: number[] = [];
    for (let i = 0; i < N; i++) mine.push(await freePort());
    assert.equal(new Set(theirs).size, N, 'the other process was given one port twice');
    assert.equal(new Set(mine).size, N, 'this process was given one port twice');
    const shared = mine.filter((p) => theirs.includes(p));
    assert.deepEqual(shared, [], 'ports given to both processes');
  } finally {
    child.stdin.end();
    await exited;
  }
  // Its exit released its claims.
  const theirs = JSON.parse(out) as number[];
  assert.deepEqual(theirs.filter((p) => existsSync(join(claimDir(), String(p)))), [], 'claims left by the exited process');
});
