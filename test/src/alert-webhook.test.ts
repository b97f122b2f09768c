/**
 * A webhook without Alertmanager, as people point logship at a chat hook:
 * told once that an alert fires and once that it resolved, like an
 * Alertmanager receiver, however short resend_delay is; and a notice it did
 * not receive is sent again.
 *
 *   ingest ─► logship ruler (1 s interval, resend_delay 1 s) ─► POST ─► webhook (first 5 POSTs answered 503)
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ingest, removeDir, startServer, stopAll, tempDir, waitFor, type ServerHandle } from './harness.js';

interface HookBody {
  status: string;
  alerts: { status: string; labels: Record<string, string> }[];
}

const RULES = `groups:
  - name: hooked
    interval: 1s
    rules:
      - { alert: Hooked, query: 'job:hooktest', window: 15s, above: 0 }
`;

async function evaluations(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('logship_rules_evaluations_total{rule_group="hooked"} '));
  return line === undefined ? 0 : Number(line.split(' ').pop());
}

describe('alerts to a webhook', () => {
  let root: string;
  let server: ServerHandle;
  let hook: Server;
  let refused = 0;
  const received: HookBody[] = [];
  const auth = new Set<string>();

  before(async () => {
    root = await tempDir('logship-alert-webhook-');
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        auth.add(req.headers.authorization ?? '');
        // The first delivery fails all its attempts (5): the notice must come again.
        if (refused < 5) {
          refused++;
          res.statusCode = 503;
          res.end('busy');
          return;
        }
        received.push(JSON.parse(body) as HookBody);
        res.end('ok');
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    // Credentials in the URL travel as basic auth, and stay out of the state file.
    const hookUrl = `http://hookuser:s3cret@127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    await writeFile(join(root, 'rules.yaml'), RULES);
    server = await startServer({
      dataDir: join(root, 'data'),
      configYaml: `rule_files: ["${join(root, 'rules.yaml')}"]\nalerting: { evaluation_interval: 1s, resend_delay: 1s, webhooks: [ { url: "${hookUrl}" } ] }\n`,
    });
  });

  after(async () => {
    await stopAll();
    hook.close();
    await removeDir(root);
  });

  test('one firing notice, one resolved notice, and a notice the webhook refused is sent again', async () => {
    await ingest(server.url, [JSON.stringify({ time: new Date().toISOString(), job: 'hooktest', msg: 'boom' })]);
    const notices = () => received.flatMap((b) => b.alerts).filter((a) => a.labels.alertname === 'Hooked').map((a) => a.status);
    await waitFor(async () => notices().includes('firing'), { timeoutMs: 30_000, what: 'the firing notice delivered' });
    assert.equal(refused, 5);
    await waitFor(async () => notices().includes('resolved'), { timeoutMs: 30_000, what: 'the resolved notice delivered' });
    // Evaluations go on (each one would re-send with resend_delay 1s): nothing more reaches the webhook.
    const seen = await evaluations(server.url);
    await waitFor(async () => (await evaluations(server.url)) >= seen + 4, { timeoutMs: 30_000, what: 'four more evaluations' });
    assert.deepEqual(notices(), ['firing', 'resolved']);
    assert.deepEqual([...auth], [`Basic ${Buffer.from('hookuser:s3cret').toString('base64')}`]);
    const state = await readFile(join(server.dataDir, 'rules', 'alert-state.json'), 'utf8');
    assert.match(state, /"webhooks":\{"http:\/\/127\.0\.0\.1:\d+\/hook":\{"state":"resolved"/);
    assert.doesNotMatch(state, /s3cret/);
  });
});
