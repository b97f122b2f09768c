/**
 * The Quick start pipeline:
 *
 *   generate-logs ──► demo/logs/*.log ──► logship-agent ──► logship serve ──► demo/data (SQLite)
 *                                                              ▲
 *                                      curl / npx logship search
 *
 * Everything lives under ./demo (git-ignored; LOGSHIP_DEMO_DIR elsewhere),
 * served on 127.0.0.1:7700 (LOGSHIP_DEMO_PORT another port; 0 a free one).
 * Ctrl-C stops the generator, then the agent (which ships what it holds and
 * checkpoints), then the server. The server and the agent run in process
 * groups of their own: a terminal's Ctrl-C goes to the whole foreground
 * group, and would otherwise stop the server while the agent still has
 * batches to send (they would stay queued in its spool).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startGenerator } from './generate-logs.mjs';
import { binNodeFlags } from '../bin-flags.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const demo = process.env.LOGSHIP_DEMO_DIR ? resolve(process.env.LOGSHIP_DEMO_DIR) : join(root, 'demo');
const portText = process.env.LOGSHIP_DEMO_PORT || '7700';
if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) {
  console.error(`LOGSHIP_DEMO_PORT "${portText}" is not a port (0 to 65535; 0 picks a free one)`);
  process.exit(2);
}
const port = Number(portText);
for (const d of ['data', 'logs', 'agent']) mkdirSync(join(demo, d), { recursive: true });

/**
 * The agent's metrics and health port: its default, 9477, when free, else
 * one the system gives. A second demo (LOGSHIP_DEMO_PORT and
 * LOGSHIP_DEMO_DIR of its own) found 9477 held by the first one's agent,
 * which it only said in agent.log: the banner names the port either way.
 */
async function agentMetricsPort() {
  for (const candidate of [9477, 0]) {
    const port = await new Promise((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(null));
      probe.listen(candidate, '127.0.0.1', () => {
        const { port: got } = probe.address();
        probe.close(() => resolve(got));
      });
    });
    if (port !== null) return port;
  }
  return null;
}

/** The agent ships to the server's address, known once the server listens (port 0 picks one). */
function writeAgentConfig(url, metricsPort) {
  const file = join(demo, 'agent.yaml');
  writeFileSync(
    file,
    [
      'server:',
      `  url: ${url}`,
      `data_dir: ${join(demo, 'agent')}`,
      `metrics: { listen: ${metricsPort === null ? 'off' : `127.0.0.1:${metricsPort}`} }`,
      'sources:',
      '  - type: file',
      `    include: ["${join(demo, 'logs', 'django.log')}"]`,
      '    labels: { job: django }',
      '  - type: nginx',
      `    include: ["${join(demo, 'logs', 'nginx-access.log')}"]`,
      '',
    ].join('\n'),
  );
  return file;
}

const children = [];
/** `args[0]`: a bin, run with its shebang's node flags, as installed. */
function run(name, args) {
  const child = spawn(process.execPath, [...binNodeFlags(join(root, args[0])), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  // Server and agent log JSON (pino); keep the terminal for the summary and
  // put their logs in files a user can read.
  const log = join(demo, `${name}.log`);
  // The server's output is held until it listens: one that fails to start
  // (another demo holds the folder) would otherwise have emptied that
  // demo's server.log, which its server goes on appending to.
  let held = name === 'server' ? [] : null;
  if (held === null) writeFileSync(log, '');
  const write = (d) => (held !== null ? held.push(d) : writeFileSync(log, d, { flag: 'a' }));
  child.stdout.on('data', write);
  child.stderr.on('data', write);
  child.heldOutput = () => Buffer.concat(held ?? []).toString();
  child.keepLog = () => {
    writeFileSync(log, Buffer.concat(held ?? []));
    held = null;
  };
  child.on('exit', (code, signal) => {
    if (!stopping && !starting) {
      console.error(`${name} exited unexpectedly (${code ?? signal}); see ${log}`);
      void stop(1);
    }
  });
  children.push({ name, child });
  return child;
}

/**
 * The server's own address, from the line it prints once it listens, or null
 * when it exits first. Asking the port for /health/ready instead found
 * whatever already listened there (another logship, another program): the
 * demo then announced a server that had failed to start, and its agent
 * shipped the demo's lines into the other one.
 */
function serverListening(child) {
  return new Promise((resolve) => {
    let seen = '';
    const onData = (d) => {
      seen += d.toString();
      const m = /^logship listening on (\S+)$/m.exec(seen);
      if (m) {
        child.stdout.off('data', onData);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', onData);
    // 'close', not 'exit': its error is then in the log file too.
    child.once('close', () => resolve(null));
  });
}

/** What the server said before it exited: its lines that are not JSON log records (the error, with its code). */
function serverError(output) {
  const said = output.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('{'));
  return said.length > 0 ? said.join('\n') : output.trim().split('\n').slice(-3).join('\n');
}

/** What to do about the server's failure to start, by its code. */
function startAdvice(error) {
  if (/LS_CONFIG_LISTEN_FAILED/.test(error)) return 'To run the demo on another port: LOGSHIP_DEMO_PORT=7701 npm start (LOGSHIP_DEMO_PORT=0 picks a free one).';
  if (/LS_STORE_DATA_DIR/.test(error) && /in use by another logship/.test(error)) {
    return `A demo already runs on ${demo} (Ctrl-C it there), or give this one a folder and port of its own: LOGSHIP_DEMO_DIR=/tmp/logship-demo-2 LOGSHIP_DEMO_PORT=0 npm start`;
  }
  return `Fix what it says and run npm start again (the demo's data folder is ${join(demo, 'data')}).`;
}

async function waitHealthy(url) {
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
// While the server starts, its exit is a failure to start, said below.
let starting = true;
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

const server = run('server', ['packages/ingest/bin/logship.js', 'serve', '--data', join(demo, 'data'), '--listen', `127.0.0.1:${port}`]);
const url = await serverListening(server);
if (url === null) {
  // Ctrl-C while the server started: it stopped, and nothing else runs yet.
  if (stopping) process.exit(0);
  const error = serverError(server.heldOutput());
  console.error(`logship serve did not start:\n${error}\n\n${startAdvice(error)}`);
  process.exit(1);
}
server.keepLog();
starting = false;
await waitHealthy(url).catch((err) => { console.error(err.message); return stop(1); });
stopGenerator = startGenerator(join(demo, 'logs'));
const metricsPort = await agentMetricsPort();
run('agent', ['packages/agent/bin/logship-agent.js', '--config', writeAgentConfig(url, metricsPort)]);

// The page's address comes first: it is what most people open.
console.log(`
  Search page: ${url}/

logship is running on the embedded SQLite store.

  API:        ${url}   (health: ${url}/health/ready)
  data:       ${join(demo, 'data')}
  demo logs:  ${join(demo, 'logs')}  (a generator appends Django and nginx lines)
  processes:  logs in ${join(demo, 'server.log')} and ${join(demo, 'agent.log')}
  agent:      ${metricsPort === null ? 'no metrics port free' : `metrics http://127.0.0.1:${metricsPort}/metrics   (health: http://127.0.0.1:${metricsPort}/health)`}

Try, in another terminal at the repository root:
${url === 'http://127.0.0.1:7700' ? '' : `
  export LOGSHIP_URL=${url}   # the commands below ask 127.0.0.1:7700 unless told
`}
  npx logship search 'level:ERROR AND @timestamp:[now-1h TO now]'
  npx logship search 'duration_ms:>1000' --from now-15m
  npx logship search 'logger:"django.security" AND message:"login failed"'

or over HTTP:

  curl -G '${url}/api/v1/search' --data-urlencode 'q=status:>=500' --data-urlencode 'from=now-1h'

Ctrl-C stops everything.
`);
