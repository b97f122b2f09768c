/**
 * The Quick start pipeline:
 *
 *   generate-logs ──► demo/logs/*.log ──► logship-agent ──► logship serve ──► demo/data (SQLite)
 *                                                              ▲
 *                                      curl / npx logship search
 *
 * Everything lives under ./demo (git-ignored; LOGSHIP_DEMO_DIR elsewhere).
 * Ctrl-C stops the generator, then the agent (which ships what it holds and
 * checkpoints), then the server. The server and the agent run in process
 * groups of their own: a terminal's Ctrl-C goes to the whole foreground
 * group, and would otherwise stop the server while the agent still has
 * batches to send (they would stay queued in its spool).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startGenerator } from './generate-logs.mjs';
import { binNodeFlags } from '../bin-flags.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const demo = process.env.LOGSHIP_DEMO_DIR ? resolve(process.env.LOGSHIP_DEMO_DIR) : join(root, 'demo');
const port = Number(process.env.LOGSHIP_DEMO_PORT ?? 7700);
const url = `http://127.0.0.1:${port}`;
for (const d of ['data', 'logs', 'agent']) mkdirSync(join(demo, d), { recursive: true });

const agentConfig = join(demo, 'agent.yaml');
writeFileSync(
  agentConfig,
  [
    'server:',
    `  url: ${url}`,
    `data_dir: ${join(demo, 'agent')}`,
    'sources:',
    '  - type: file',
    `    include: ["${join(demo, 'logs', 'django.log')}"]`,
    '    labels: { job: django }',
    '  - type: nginx',
    `    include: ["${join(demo, 'logs', 'nginx-access.log')}"]`,
    '',
  ].join('\n'),
);

const children = [];
/** `args[0]`: a bin, run with its shebang's node flags, as installed. */
function run(name, args) {
  const child = spawn(process.execPath, [...binNodeFlags(join(root, args[0])), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  // Server and agent log JSON (pino); keep the terminal for the summary and
  // put their logs in files a user can read.
  const log = join(demo, `${name}.log`);
  writeFileSync(log, '');
  child.stdout.on('data', (d) => writeFileSync(log, d, { flag: 'a' }));
  child.stderr.on('data', (d) => writeFileSync(log, d, { flag: 'a' }));
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${name} exited unexpectedly (${code ?? signal}); see ${log}`);
      void stop(1);
    }
  });
  children.push({ name, child });
  return child;
}

async function waitHealthy() {
  for (let i = 0; i < 300; i++) {
    try {
      const res = await fetch(`${url}/health/ready`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`logship serve did not become ready on ${url}; see ${join(demo, 'server.log')}`);
}

let stopping = false;
let stopGenerator = () => {};
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  stopGenerator();
  console.log('\nstopping: agent first (it flushes and checkpoints), then the server');
  for (const { child } of [...children].reverse()) {
    if (child.exitCode !== null) continue;
    child.kill('SIGTERM');
    await new Promise((r) => {
      const t = setTimeout(() => { child.kill('SIGKILL'); r(); }, 10_000);
      child.once('exit', () => { clearTimeout(t); r(); });
    });
  }
  console.log('stopped.');
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
// Children in their own groups outlive this script unless told to stop.
process.on('exit', () => {
  for (const { child } of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
});

run('server', ['packages/ingest/bin/logship.js', 'serve', '--data', join(demo, 'data'), '--listen', `127.0.0.1:${port}`]);
await waitHealthy().catch((err) => { console.error(err.message); return stop(1); });
stopGenerator = startGenerator(join(demo, 'logs'));
run('agent', ['packages/agent/bin/logship-agent.js', '--config', agentConfig]);

// The page's address comes first: it is what most people open.
console.log(`
  Search page: ${url}/

logship is running on the embedded SQLite store.

  API:        ${url}   (health: ${url}/health/ready)
  data:       ${join(demo, 'data')}
  demo logs:  ${join(demo, 'logs')}  (a generator appends Django and nginx lines)
  processes:  logs in ${join(demo, 'server.log')} and ${join(demo, 'agent.log')}

Try, in another terminal at the repository root:

  npx logship search 'level:ERROR AND @timestamp:[now-1h TO now]'
  npx logship search 'duration_ms:>1000' --from now-15m
  npx logship search 'logger:"django.security" AND message:"login failed"'

or over HTTP:

  curl -G '${url}/api/v1/search' --data-urlencode 'q=status:>=500' --data-urlencode 'from=now-1h'

Ctrl-C stops everything.
`);
