/**
 * The `kubernetes` preset on a node's layout written by the test as the
 * kubelet and containerd write it: `pods/<namespace>_<pod>_<uid>/<container>/<restart>.log`
 * in the CRI format (`<RFC 3339 ns time> <stream> <P|F> <text>`, lines over
 * 16 KiB split into P pieces, a UTF-8 character cut between two of them,
 * a stderr line landing between the pieces of a stdout line), the
 * kubelet's symlinks in `containers/` beside it, its rotation (rename to
 * `0.log.<YYYYMMDD-hhmmss>`, lines the runtime writes to the old file
 * before it reopens, the older rotated file gzipped to `.gz` and removed),
 * a container restart's `1.log`, two pods, and a rotation while the agent is
 * killed. The real agent ships to the real server; every line must arrive
 * exactly once with its pod's fields, and a line without a time of its own
 * gets the runtime's.
 */
import assert from 'node:assert/strict';
import { mkdir, open, readFile, rename, rm, symlink, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { agentBin, removeDir, searchAll, sleep, startAgent, startServer, stopAll, tempDir } from './harness.js';
import { agentYaml, assertExactlyOnce, jsonLine, range, seqsOf, waitForCount } from './agent-support.js';

const RUN = 'k8s';
const PIECE_BYTES = 16384;
const UID_A = '5f8e3c1a-2b4d-4e6f-8a9b-0c1d2e3f4a5b';
const UID_B = 'c0ffee00-1111-4222-8333-444455556666';

interface Container { ns: string; pod: string; uid: string; container: string }
const WEB: Container = { ns: 'shop', pod: 'web-7d9f8b6c5-x2k4p', uid: UID_A, container: 'app' };
const WORKER: Container = { ns: 'payments', pod: 'worker-0', uid: UID_B, container: 'worker' };

/** What each line (by seq) must arrive with. */
interface Expected { c: Container; restart: number; stream: string }

/** The runtime's time of a line: two hours back, so neither the receive time nor a line's own. */
let clock = Date.now() - 2 * 3600_000;
function criTime(): string {
  clock += 1;
  return new Date(clock).toISOString().replace('Z', '987654Z');
}

/** containerd's CRI encoding of one printed line: pieces of 16 KiB, P then F. */
function criLines(text: string, stream: string, time = criTime()): Buffer {
  const bytes = Buffer.from(text);
  const out: Buffer[] = [];
  for (let i = 0; i === 0 || i < bytes.length; i += PIECE_BYTES) {
    const last = i + PIECE_BYTES >= bytes.length;
    out.push(Buffer.from(`${time} ${stream} ${last ? 'F' : 'P'} `), bytes.subarray(i, i + PIECE_BYTES), Buffer.from('\n'));
  }
  return Buffer.concat(out);
}

/** The runtime's end of a container log: an append handle it reopens when the kubelet asks (after a rotation). */
class RuntimeLog {
  private fh: FileHandle | null = null;
  constructor(readonly path: string) {}

  async write(bytes: Buffer): Promise<void> {
    this.fh ??= await open(this.path, 'a');
    await this.fh.write(bytes);
  }

  async reopen(): Promise<void> {
    await this.close();
    this.fh = await open(this.path, 'a');
  }

  async close(): Promise<void> {
    await this.fh?.close();
    this.fh = null;
  }
}

describe('agent: kubernetes preset (kubelet + containerd layout, CRI format)', () => {
  let root: string;

  before(async () => {
    root = await tempDir('logship-agent-k8s-');
  });

  after(async () => {
    await stopAll();
    await removeDir(root);
  });

  test('--check names what the preset reads; an include under /var/log/containers is refused with exit 2', async () => {
    const check = async (source: string): Promise<{ status: number | null; out: string }> => {
      const cfg = join(root, 'check.yaml');
      await writeFile(cfg, `server:\n  url: http://127.0.0.1:9\ndata_dir: ${join(root, 'check')}\nsources:\n${source}`);
      const r = spawnSync(process.execPath, [agentBin, '--config', cfg, '--check'], { encoding: 'utf8' });
      return { status: r.status, out: r.stdout + r.stderr };
    };
    const ok = await check('  - type: kubernetes\n');
    assert.equal(ok.status, 0, ok.out);
    assert.match(ok.out, /^ {2}kubernetes-0 \(kubernetes\): \/var\/log\/pods\/\*\/\*\/\*\.log — (no file matches|\d+ files?) now$/m);
    const bad = await check('  - type: kubernetes\n    include: ["/var/log/pods/*/*/*.log", "/var/log/containers/*.log"]\n');
    assert.equal(bad.status, 2);
    assert.match(bad.out, /LS_AGENT_CONFIG_INVALID: The config is invalid at sources\[0\]\.include\[1\]: \/var\/log\/containers\/ holds symlinks/);
  });

  test('20,000 lines while the kubelet rotates 10 times (older rotated files gzipped and removed): every line exactly once', async () => {
    const server = await startServer({ dataDir: join(root, 'server-rot') });
    const run = 'k8srot';
    const dir = join(root, 'rot', 'pods', `shop_api-5c4d_${UID_B}`, 'api');
    await mkdir(dir, { recursive: true });
    const agent = await startAgent(agentYaml({ server: server.url, dataDir: join(root, 'agent-rot'), include: [`${root}/rot/pods/*/*/*.log`] })
      .replace('  - type: file', '  - type: kubernetes'), join(root, 'rot.yaml'));
    const log = new RuntimeLog(join(dir, '0.log'));
    const TOTAL = 20_000;
    const rotated: string[] = [];
    let seq = 0;
    const write = async (n: number): Promise<void> => {
      const parts: Buffer[] = [];
      for (const end = seq + n; seq < end; seq++) parts.push(criLines(jsonLine(seq, run), seq % 2 === 0 ? 'stdout' : 'stderr'));
      await log.write(Buffer.concat(parts));
    };
    // Once the agent follows the file; then paced, if much faster than the
    // kubelet (which looks every 10 s): a file created and rotated out of
    // the glob before the agent looked is one it never knew (docs/AGENT.md).
    await write(500);
    await waitForCount(server.url, run, seq, 60_000);
    for (let chunk = 2; seq < TOTAL; chunk++) {
      await write(500);
      await sleep(100);
      if (chunk % 4 === 0 && seq < TOTAL) {
        const to = join(dir, `0.log.20261205-1${String(chunk / 4).padStart(5, '0')}`);
        await rename(join(dir, '0.log'), to);
        await write(100);
        await log.reopen();
        // The kubelet keeps the newest rotated file as it is and gzips the others.
        for (const older of rotated.splice(0)) {
          await writeFile(`${older}.gz.tmp`, gzipSync(await readFile(older)));
          await rename(`${older}.gz.tmp`, `${older}.gz`);
          await rm(older);
        }
        rotated.push(to);
      }
    }
    await log.close();
    await waitForCount(server.url, run, seq, 120_000);
    await sleep(1000);
    assertExactlyOnce(await seqsOf(server.url, run), range(0, seq));
    assert.equal(await agent.stop('SIGTERM'), 0, agent.output());
    await server.stop('SIGTERM');
  });

  test('pod logs: CRI unwrapped, partial lines joined, pod fields, runtime time, rotation, restart, kill -9: every line exactly once', async () => {
    const server = await startServer({ dataDir: join(root, 'server') });
    const pods = join(root, 'log', 'pods');
    const links = join(root, 'log', 'containers');
    const dirOf = (c: Container): string => join(pods, `${c.ns}_${c.pod}_${c.uid}`, c.container);
    for (const c of [WEB, WORKER]) await mkdir(dirOf(c), { recursive: true });
    await mkdir(links, { recursive: true });
    const expected = new Map<number, Expected>();
    let seq = 0;
    /** `n` python-json-logger lines, stdout and stderr in turn. */
    const print = async (w: RuntimeLog, c: Container, restart: number, n: number): Promise<void> => {
      const parts: Buffer[] = [];
      for (let i = 0; i < n; i++, seq++) {
        const stream = seq % 3 === 0 ? 'stderr' : 'stdout';
        parts.push(criLines(jsonLine(seq, RUN), stream));
        expected.set(seq, { c, restart, stream });
      }
      await w.write(Buffer.concat(parts));
    };

    const web0 = new RuntimeLog(join(dirOf(WEB), '0.log'));
    const worker0 = new RuntimeLog(join(dirOf(WORKER), '0.log'));
    await print(web0, WEB, 0, 200);
    await print(worker0, WORKER, 0, 200);
    // A plain line without a time of its own: the runtime's time is its time.
    const plainTime = criTime();
    await web0.write(criLines('quietplainline upstream connection reset by peer', 'stdout', plainTime));
    // A 40 KiB JSON line in three pieces, a UTF-8 character cut between the
    // first two, and a stderr line written between its pieces.
    const head = `{"levelname":"ERROR","name":"shop","message":"big payload","seq":${seq},"run":"${RUN}","payload":"`;
    const payload = 'p'.repeat(PIECE_BYTES - head.length - 1) + '€'.repeat(100) + 'q'.repeat(24_000);
    const longTime = criTime();
    const long = criLines(`${head}${payload}"}`, 'stdout', longTime);
    const longSeq = seq++;
    expected.set(longSeq, { c: WEB, restart: 0, stream: 'stdout' });
    const pieces = long.toString('latin1').split('\n').filter(Boolean).map((p) => Buffer.from(`${p}\n`, 'latin1'));
    assert.equal(pieces.length, 3);
    assert.equal(Buffer.from(`${head}${payload}`).subarray(PIECE_BYTES, PIECE_BYTES + 1)[0]! & 0xc0, 0x80, 'the split is inside a character');
    await web0.write(pieces[0]!);
    const between = seq++;
    expected.set(between, { c: WEB, restart: 0, stream: 'stderr' });
    await web0.write(criLines(jsonLine(between, RUN), 'stderr'));
    await web0.write(Buffer.concat(pieces.slice(1)));
    // A pino line (numeric level, epoch ms time) from the other pod.
    const pinoSeq = seq++;
    const pinoTime = Date.now() - 60_000;
    expected.set(pinoSeq, { c: WORKER, restart: 0, stream: 'stdout' });
    await worker0.write(criLines(JSON.stringify({ level: 50, time: pinoTime, pid: 1, hostname: WORKER.pod, msg: 'pino payment failed', seq: pinoSeq, run: RUN }), 'stdout'));
    // The kubelet's symlink, named without the pod uid; included too, it must not be read twice.
    await symlink(join(dirOf(WEB), '0.log'), join(links, `${WEB.pod}_${WEB.ns}_${WEB.container}-0123456789abcdef.log`));

    const dataDir = join(root, 'agent');
    const yamlFor = (port: number): string => agentYaml({
      server: server.url, dataDir, include: [`${pods}/*/*/*.log`, `${links}/*.log`], extra: `metrics: { listen: "127.0.0.1:${port}" }`,
    })
      .replace('  - type: file', '  - type: kubernetes');
    const cfg = join(root, 'agent.yaml');
    let agent = await startAgent(yamlFor, cfg);
    const port = agent.metricsPort!;
    const yaml = yamlFor(port);
    await waitForCount(server.url, RUN, seq, 60_000);

    // The kubelet rotates: rename, the runtime writes on to its old handle
    // until it reopens the path, then the new 0.log.
    await rename(join(dirOf(WEB), '0.log'), join(dirOf(WEB), '0.log.20261205-101500'));
    await print(web0, WEB, 0, 50);
    await web0.reopen();
    await print(web0, WEB, 0, 200);
    await waitForCount(server.url, RUN, seq, 60_000);
    // Again; then the older rotated file is gzipped (to .gz.tmp, renamed to .gz) and removed.
    await rename(join(dirOf(WEB), '0.log'), join(dirOf(WEB), '0.log.20261205-101600'));
    await print(web0, WEB, 0, 20);
    await web0.reopen();
    await print(web0, WEB, 0, 100);
    const older = join(dirOf(WEB), '0.log.20261205-101500');
    await writeFile(`${older}.gz.tmp`, gzipSync(await readFile(older)));
    await rename(`${older}.gz.tmp`, `${older}.gz`);
    await rm(older);
    // The container restarts: the runtime writes 1.log; 0.log stays.
    await web0.close();
    const web1 = new RuntimeLog(join(dirOf(WEB), '1.log'));
    await print(web1, WEB, 1, 150);
    await print(worker0, WORKER, 0, 100);
    await waitForCount(server.url, RUN, seq, 60_000);

    // Killed mid-stream; rotated while down (with lines to the old handle), then a new file.
    await print(worker0, WORKER, 0, 100);
    assert.equal(await agent.stop('SIGKILL'), 'SIGKILL');
    await print(worker0, WORKER, 0, 100);
    await rename(join(dirOf(WORKER), '0.log'), join(dirOf(WORKER), '0.log.20261205-102000'));
    await print(worker0, WORKER, 0, 30);
    await worker0.reopen();
    await print(worker0, WORKER, 0, 100);
    agent = await startAgent(yaml, cfg);
    await print(web1, WEB, 1, 50);
    await waitForCount(server.url, RUN, seq, 60_000);
    await sleep(1500);
    await Promise.all([web1.close(), worker0.close()]);

    assertExactlyOnce(await seqsOf(server.url, RUN), range(0, seq));
    const hits = await searchAll(server.url, `run:${RUN}`);
    for (const h of hits) {
      const e = expected.get(Number(h.seq))!;
      const where = `seq ${String(h.seq)}`;
      assert.equal(h['kubernetes.namespace'], e.c.ns, where);
      assert.equal(h['kubernetes.pod.name'], e.c.pod, where);
      assert.equal(h['kubernetes.pod.uid'], e.c.uid, where);
      assert.equal(h['kubernetes.container.name'], e.c.container, where);
      assert.equal(h['kubernetes.container.restart_count'], e.restart, where);
      assert.equal(h.stream, e.stream, where);
      assert.equal(h.host, 'e2e-host');
      assert.equal(h.source, join(dirOf(e.c), `${e.restart}.log`), `${where}: the path it was first read at`);
      if (h.seq !== pinoSeq) assert.equal(h.logger, h.seq === longSeq ? 'shop' : 'app.worker', `${where}: the python-json-logger line inside was normalized`);
      // Its own time (asctime, now), not the runtime's two hours back.
      if (h.seq !== longSeq) assert.ok(Date.now() - Date.parse(String(h['@timestamp'])) < 3600_000, `${where}: a line with its own time keeps it`);
    }
    const pino = hits.find((h) => h.seq === pinoSeq)!;
    assert.equal(pino.level, 'error', 'pino\'s 50');
    assert.equal(pino.message, 'pino payment failed');
    assert.equal(pino['@timestamp'], new Date(pinoTime).toISOString());
    const big = hits.find((h) => h.seq === longSeq)!;
    assert.equal(big.level, 'error');
    assert.equal(big.payload, payload, 'the pieces were joined, the cut character whole');
    assert.equal(big['logship.truncated'], undefined);
    assert.equal(big['@timestamp'], longTime.replace('987654Z', 'Z'), 'without asctime: the runtime\'s time of its first piece');
    const [plain, ...more] = await searchAll(server.url, 'quietplainline');
    assert.equal(more.length, 0, 'the plain line once');
    assert.equal(plain!['@timestamp'], plainTime.replace('987654Z', 'Z'), 'a line without its own time gets the runtime\'s');
    assert.equal(plain!['logship.no_timestamp'], undefined);
    assert.equal(plain!['@time'], undefined);
    assert.equal(plain!['kubernetes.pod.name'], WEB.pod);
    assert.equal(plain!.stream, 'stdout');
    // Nothing else: no line read again through the symlinks, none shipped without its pod's fields.
    assert.equal((await searchAll(server.url, '_exists_:stream')).length, seq + 1);
    assert.equal((await searchAll(server.url, '_exists_:kubernetes.pod.name')).length, seq + 1);
    // Health and metrics as for every file source, under the preset's source name.
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    assert.equal(health.status, 200);
    const body = (await health.json()) as { status: string; sources: string[] };
    assert.equal(body.status, 'healthy');
    assert.deepEqual(body.sources, ['kubernetes-0']);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    assert.ok(Number(/^logship_agent_events_shipped_total\{source="kubernetes-0"\} (\d+)$/m.exec(metrics)?.[1]) > 0, metrics);
    assert.ok(Number(/^logship_agent_files_watched\{source="kubernetes-0"\} (\d+)$/m.exec(metrics)?.[1]) >= 3, 'web 0.log and 1.log, worker 0.log');
    assert.equal(await agent.stop('SIGTERM'), 0, agent.output());
    await server.stop('SIGTERM');
  });
});
