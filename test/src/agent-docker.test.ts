/**
 * The `docker` preset on a json-file layout written by the test as dockerd
 * writes it (`containers/<id>/<id>-json.log` with `config.v2.json` beside
 * it): the wrapper is unwrapped, a line split into 16 KiB pieces arrives as
 * one event, a python-json-logger line inside is normalized with its fields,
 * container name and image are fields of every event, and a plain-text line
 * without a time of its own gets docker's `time` (sent as `@time`).
 */
import assert from 'node:assert/strict';
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { removeDir, searchAll, sleep, startAgent, startServer, stopAll, tempDir, waitFor } from './harness.js';
import { agentYaml, assertExactlyOnce, jsonLine, range, seqsOf, waitForCount } from './agent-support.js';

const ID = 'a3f5c0ffee00112233445566778899aabbccddeeff00112233445566778899aa';

/** Docker's json-file encoding of one printed line, split at 16 KiB as dockerd does. */
function dockerLines(text: string, stream: string, time = new Date().toISOString().replace('Z', '123456Z')): string {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += 16384) {
    const part = text.slice(i, i + 16384);
    out.push(JSON.stringify({ log: i + 16384 >= text.length ? `${part}\n` : part, stream, time }));
  }
  return out.join('\n') + '\n';
}

describe('agent: docker json-file preset', () => {
  let root: string;

  before(async () => {
    root = await tempDir('logship-agent-docker-');
  });

  after(async () => {
    await stopAll();
    await removeDir(root);
  });

  test('unwrapped, 16 KiB pieces joined, inner JSON normalized, container name and image as fields', async () => {
    const server = await startServer({ dataDir: join(root, 'server') });
    const dir = join(root, 'containers', ID);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'config.v2.json'), JSON.stringify({ ID, Name: '/shop-web', Config: { Image: 'registry.local/shop:1.4.2', Labels: {} } }));
    // Two hours back: neither the receive time nor anything the line says.
    const dockerTime = new Date(Date.now() - 2 * 3600_000).toISOString().replace('Z', '987654Z');
    let text = dockerLines('upstream quietplainline connection reset by peer', 'stderr', dockerTime);
    for (let i = 0; i < 200; i++) text += dockerLines(jsonLine(i, 'docker'), i % 2 === 0 ? 'stdout' : 'stderr');
    const long = JSON.stringify({ levelname: 'ERROR', name: 'shop', message: 'big payload', seq: 200, run: 'docker', payload: 'p'.repeat(40_000) });
    text += dockerLines(long, 'stdout');
    await writeFile(join(dir, `${ID}-json.log`), text);
    const agent = await startAgent(agentYaml({
      server: server.url, dataDir: join(root, 'agent'), include: [`${root}/containers/*/*-json.log`],
    }).replace('  - type: file', '  - type: docker'), join(root, 'agent.yaml'));
    await waitForCount(server.url, 'docker', 201, 60_000);
    const hits = await searchAll(server.url, 'run:docker');
    assert.equal(hits.length, 201, 'one event per printed line, the 40 KiB line included');
    for (const h of hits) {
      assert.equal(h['container.name'], 'shop-web');
      assert.equal(h['container.image'], 'registry.local/shop:1.4.2');
      assert.equal(h['container.id'], ID);
    }
    const big = hits.find((h) => h.seq === 200)!;
    assert.equal(big.level, 'error');
    assert.equal(big.message, 'big payload');
    assert.equal(String(big.payload).length, 40_000, 'the pieces were joined');
    const seven = hits.find((h) => h.seq === 7)!;
    assert.equal(seven.logger, 'app.worker', 'the python-json-logger line inside was normalized');
    assert.equal(seven.stream, 'stderr');
    const [plain, ...more] = await searchAll(server.url, 'quietplainline');
    assert.equal(more.length, 0);
    assert.equal(plain!['@timestamp'], dockerTime.replace('987654Z', 'Z'), 'a line without its own time gets docker\'s');
    assert.equal(plain!['logship.no_timestamp'], undefined);
    assert.equal(plain!['@time'], undefined);
    assert.equal(plain!['container.name'], 'shop-web');
    assert.equal(await agent.stop('SIGTERM'), 0, agent.output());
    await server.stop('SIGTERM');
  });

  test('pieces are joined per stream: stderr lines between the pieces of a stdout line, across a restart, each exactly once', async () => {
    const server = await startServer({ dataDir: join(root, 'server-streams') });
    const id = 'b'.repeat(64);
    const dir = join(root, 'streams', id);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'config.v2.json'), JSON.stringify({ ID: id, Name: '/worker', Config: { Image: 'worker:2' } }));
    const file = join(dir, `${id}-json.log`);
    const json = (log: string, stream: string): string => JSON.stringify({ log, stream, time: new Date().toISOString() }) + '\n';
    /** A long stdout line (seq) as dockerd splits it, with a stderr line (seq + 1) between every two pieces. */
    const interleaved = (seq: number, upTo = Infinity): string => {
      const long = JSON.stringify({ levelname: 'INFO', message: 'payload', seq, run: 'streams', payload: 'q'.repeat(40_000) });
      let text = '';
      let k = 0;
      for (let i = 0; i < long.length && k < upTo; i += 16384, k++) {
        const last = i + 16384 >= long.length;
        text += json(last ? `${long.slice(i)}\n` : long.slice(i, i + 16384), 'stdout');
        if (!last) text += json(`${jsonLine(seq + 1 + k, 'streams')}\n`, 'stderr');
      }
      return text;
    };
    // seq 0: stdout in 3 pieces, stderr seq 1 and 2 between them.
    await writeFile(file, interleaved(0));
    const yaml = agentYaml({ server: server.url, dataDir: join(root, 'agent-streams'), include: [`${root}/streams/*/*-json.log`] })
      .replace('  - type: file', '  - type: docker');
    let agent = await startAgent(yaml, join(root, 'streams.yaml'));
    await waitForCount(server.url, 'streams', 3, 60_000);
    // seq 10: only the first piece and the stderr line after it, then a stop while the piece is held.
    const second = interleaved(10);
    const cut = second.indexOf('\n', second.indexOf('\n') + 1) + 1;
    await appendFile(file, second.slice(0, cut));
    await waitForCount(server.url, 'streams', 4, 60_000);
    await sleep(500);
    assert.equal(await agent.stop('SIGTERM'), 0, agent.output());
    await appendFile(file, second.slice(cut));
    agent = await startAgent(yaml, join(root, 'streams.yaml'));
    await waitForCount(server.url, 'streams', 6, 60_000);
    await sleep(1500);
    assertExactlyOnce(await seqsOf(server.url, 'streams'), [...range(0, 3), ...range(10, 13)]);
    const hits = await searchAll(server.url, 'run:streams');
    for (const seq of [0, 10]) {
      const h = hits.find((x) => x.seq === seq)!;
      assert.equal(h.stream, 'stdout');
      assert.equal(String(h.payload).length, 40_000, `seq ${seq}: its three pieces joined, nothing of stderr inside`);
    }
    for (const seq of [1, 2, 11, 12]) assert.equal(hits.find((x) => x.seq === seq)!.stream, 'stderr');
    assert.equal(await agent.stop('SIGTERM'), 0, agent.output());
    await server.stop('SIGTERM');
  });

  test('multiline joins per stream: a stderr traceback does not take in a stdout line, and each event keeps its own stream', async () => {
    const server = await startServer({ dataDir: join(root, 'server-ml') });
    const id = 'c'.repeat(64);
    const dir = join(root, 'ml', id);
    await mkdir(dir, { recursive: true });
    const day = new Date().toISOString().slice(0, 10);
    const printed: Array<[string, string]> = [
      ['stdout', `${day} 10:00:00 INFO mlrun worker started`],
      ['stderr', `${day} 10:00:01 ERROR mlrun task failed`],
      ['stderr', 'Traceback (most recent call last):'],
      ['stdout', `${day} 10:00:02 INFO mlrun 127.0.0.1 "GET /health" 200`],
      ['stderr', '  File "/app/tasks.py", line 3, in run'],
      ['stderr', 'ValueError: mlrun boom'],
      ['stdout', `${day} 10:00:03 INFO mlrun worker idle`],
    ];
    await writeFile(join(dir, `${id}-json.log`), printed.map(([stream, log]) => JSON.stringify({ log: `${log}\n`, stream, time: new Date().toISOString() }) + '\n').join(''));
    const agent = await startAgent(agentYaml({ server: server.url, dataDir: join(root, 'agent-ml'), include: [`${root}/ml/*/*-json.log`] })
      .replace('  - type: file', '  - type: docker') + "    multiline: { start: '^\\d{4}-\\d{2}-\\d{2} ', timeout_ms: 300 }\n", join(root, 'ml.yaml'));
    await waitFor(async () => (await searchAll(server.url, 'mlrun')).length >= 4 || undefined, { timeoutMs: 60_000, what: 'four events' });
    await sleep(1000);
    const byText = new Map((await searchAll(server.url, 'mlrun')).map((h) => [String(h.message), h.stream]));
    assert.deepEqual(Object.fromEntries(byText), {
      [`${day} 10:00:00 INFO mlrun worker started`]: 'stdout',
      [`${day} 10:00:01 ERROR mlrun task failed\nTraceback (most recent call last):\n  File "/app/tasks.py", line 3, in run\nValueError: mlrun boom`]: 'stderr',
      [`${day} 10:00:02 INFO mlrun 127.0.0.1 "GET /health" 200`]: 'stdout',
      [`${day} 10:00:03 INFO mlrun worker idle`]: 'stdout',
    });
    assert.equal((await searchAll(server.url, 'mlrun')).length, 4);
    assert.equal(await agent.stop('SIGTERM'), 0, agent.output());
    await server.stop('SIGTERM');
  });
});
