/**
 * freePort()'s claim files when their folder or their holder is not what it
 * expects: a folder an older checkout made 0755 as another user (every
 * freePort threw EACCES), a dead process's claim another user owns, and a
 * killed claimer whose pid now belongs to another process (the claim was
 * kept for as long as that process lived).
 *
 * Other users are played by nobody (uid 65534): a child process runs as
 * nobody, with TMPDIR pointing at a folder of the test's own, on a copy of
 * free-port.js (it imports only node:), so the machine's claims are not
 * touched and nobody can read the module.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { claimDir, claimPort, startTime } from './free-port.js';
import { removeDir, repoRoot, tempDir } from './harness.js';

const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;
const needsRoot = !asRoot && 'needs root, to run a child as another user';

const roots: string[] = [];
after(async () => {
  for (const root of roots) await removeDir(root);
});

/** A folder nobody may write in, as /tmp, with a copy of free-port.js inside. */
async function nobodysTmp(): Promise<string> {
  const root = await tempDir('logship-port-claims-');
  roots.push(root);
  chmodSync(root, 0o1777);
  copyFileSync(join(repoRoot, 'packages/ingest/dist/testing/free-port.js'), join(root, 'free-port.mjs'));
  return root;
}

/** Runs `body` (ES module code, free-port's exports in scope) as nobody, TMPDIR=root; its stdout parsed as JSON. */
function asNobody(root: string, body: string): unknown {
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', `import * as fp from './free-port.mjs';\n${body}`], {
    cwd: root, uid: NOBODY, gid: NOBODY, env: { ...process.env, TMPDIR: root }, encoding: 'utf8',
  });
  assert.equal(run.status, 0, `the child as nobody failed:\n${run.stderr}`);
  return JSON.parse(run.stdout) as unknown;
}

/** A pid no process has now. */
function deadPid(): number {
  const gone = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
  return Number(gone.stdout);
}

test('a claims folder another user made 0755: ports come from a folder of this user\'s own', { skip: needsRoot }, async () => {
  const root = await nobodysTmp();
  mkdirSync(join(root, 'logship-test-ports'), { mode: 0o755 });
  chmodSync(join(root, 'logship-test-ports'), 0o755);
  const got = asNobody(root, `
    const port = await fp.freePort();
    const { readdirSync } = await import('node:fs');
    console.log(JSON.stringify({ port, claims: readdirSync(process.env.TMPDIR + '/logship-test-ports-' + process.getuid()) }));
  `) as { port: number; claims: string[] };
  assert.ok(Number.isInteger(got.port), `no port: ${JSON.stringify(got)}`);
  assert.deepEqual(got.claims, [String(got.port)], 'the claim is in nobody\'s own folder');
});

test('a dead process\'s claim another user owns in the sticky folder: that port is skipped, nothing thrown', { skip: needsRoot }, async () => {
  const root = await nobodysTmp();
  const shared = join(root, 'logship-test-ports');
  mkdirSync(shared);
  chmodSync(shared, 0o1777);
  // Root's claims (this process is root), both held by a dead pid: one readable, one 0600.
  const dead = deadPid();
  writeFileSync(join(shared, '20001'), `${dead} 1`);
  writeFileSync(join(shared, '20002'), String(dead), { mode: 0o600 });
  chmodSync(join(shared, '20002'), 0o600);
  const got = asNobody(root, `
    console.log(JSON.stringify({ readable: fp.claimPort(20001), unreadable: fp.claimPort(20002), other: await fp.freePort() }));
  `) as { readable: boolean; unreadable: boolean; other: number };
  assert.deepEqual({ readable: got.readable, unreadable: got.unreadable }, { readable: false, unreadable: false });
  assert.ok(Number.isInteger(got.other), 'freePort still gives a port');
  assert.equal(readFileSync(join(shared, '20001'), 'utf8'), `${dead} 1`, 'root\'s claim left as it was');
});

test('a killed claimer\'s claim is taken over even when its pid is now another live process\'s', async () => {
  assert.match(startTime(process.pid), /^\d+$/, 'this process\'s start time from /proc');
  const freePortJs = new URL('./free-port.js', import.meta.url).href;
  const child = spawn(process.execPath, ['--input-type=module', '-e', `import { freePort } from '${freePortJs}'; console.log(await freePort()); setInterval(() => {}, 1000);`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((r) => child.once('exit', r));
  let port: number;
  try {
    port = await new Promise<number>((resolvePort, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolvePort(Number(out));
      });
      child.once('exit', (code) => reject(new Error(`the claimer exited with ${code} before naming its port`)));
    });
    assert.equal(claimPort(port), false, 'a live claimer keeps its port');
  } finally {
    // SIGKILL: no exit handler runs, the claim stays behind.
    child.kill('SIGKILL');
    await exited;
  }
  const file = join(claimDir(), String(port));
  // Its pid given to another process (this one stands in): only the start time tells them apart.
  writeFileSync(file, readFileSync(file, 'utf8').replace(/^\d+/, String(process.pid)));
  assert.equal(claimPort(port), true, `the claim ${readFileSync(file, 'utf8')} was kept for the new owner of the pid`);
  assert.equal(readFileSync(file, 'utf8'), `${process.pid} ${startTime(process.pid)}`);
});
