/**
 * journald sources for services run as user units (`systemctl --user`) and
 * for podman containers (the journald log driver), on real journal files
 * written by systemd-journal-remote: `user_units:` selects by
 * _SYSTEMD_USER_UNIT (whatever user runs them), `matches:` passes FIELD=value
 * to journalctl, and podman's CONTAINER_NAME / CONTAINER_ID_FULL /
 * IMAGE_NAME become the container.* fields the docker preset sets.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { removeDir, searchAll, sleep, startAgent, startServer, stopAll, tempDir, waitFor } from './harness.js';

const JOURNAL_REMOTE = '/lib/systemd/systemd-journal-remote';
const available = existsSync(JOURNAL_REMOTE) && existsSync('/usr/bin/journalctl');
if (!available && process.env.CI === 'true') throw new Error('CI=true but systemd-journal-remote is not installed (apt-get install systemd-journal-remote)');
if (!available) console.warn('WARNING: systemd-journal-remote not found: the journald container/user-unit test is SKIPPED');

const CONTAINER_ID = 'f00dfeed0123456789abcdef0123456789abcdef0123456789abcdef01234567';

function entry(i: number, kind: 'user' | 'podman' | 'system'): string {
  const common = [
    `__REALTIME_TIMESTAMP=${Date.now() * 1000 + i}`,
    `__MONOTONIC_TIMESTAMP=${i + 1}`,
    '_BOOT_ID=0123456789abcdef0123456789abcdef',
    '_HOSTNAME=box-1',
    'PRIORITY=6',
  ];
  const own = kind === 'user'
    ? [`MESSAGE=user service line ${i}`, '_SYSTEMD_UNIT=user@1000.service', '_SYSTEMD_USER_UNIT=sync-worker.service', '_UID=1000', 'SYSLOG_IDENTIFIER=sync-worker']
    : kind === 'podman'
      ? [`MESSAGE={"levelname":"WARNING","name":"shop","message":"container line ${i}"}`, '_SYSTEMD_UNIT=libpod-conmon.scope', 'SYSLOG_IDENTIFIER=shop-web',
        'CONTAINER_NAME=shop-web', `CONTAINER_ID=${CONTAINER_ID.slice(0, 12)}`, `CONTAINER_ID_FULL=${CONTAINER_ID}`, 'IMAGE_NAME=docker.io/library/shop:2.0']
      : [`MESSAGE=system line ${i}`, '_SYSTEMD_UNIT=cron.service', 'SYSLOG_IDENTIFIER=cron'];
  return [...common, ...own, '', ''].join('\n');
}

describe('agent: journald user units and podman containers', { skip: !available }, () => {
  let root: string;

  before(async () => {
    root = await tempDir('logship-agent-jdc-');
  });

  after(async () => {
    await stopAll();
    await removeDir(root);
  });

  test('user_units and matches select entries; podman fields become container.*', async () => {
    const server = await startServer({ dataDir: join(root, 'server') });
    const journal = join(root, 'journal');
    await mkdir(journal);
    const kinds = ['user', 'podman', 'system'] as const;
    let text = '';
    for (let i = 0; i < 90; i++) text += entry(i, kinds[i % 3]!);
    const file = join(root, 'entries.export');
    await writeFile(file, text);
    execFileSync(JOURNAL_REMOTE, [`--output=${journal}/x.journal`, file], { stdio: 'ignore' });
    const yaml = [
      'server:', `  url: ${server.url}`,
      `data_dir: ${join(root, 'agent')}`,
      'host: box-1',
      'batch: { max_events: 100, max_age_ms: 100 }',
      'log_level: warn',
      'metrics: { listen: "off" }',
      'sources:',
      '  - type: journald',
      '    name: user-services',
      `    directory: ${journal}`,
      '    user_units: [sync-worker.service]',
      '    labels: { job: user }',
      '  - type: journald',
      '    name: containers',
      `    directory: ${journal}`,
      '    matches: ["SYSLOG_IDENTIFIER=shop-web"]',
      '    labels: { job: podman }',
      '',
    ].join('\n');
    const agent = await startAgent(yaml, join(root, 'agent.yaml'));
    await waitFor(async () => (await searchAll(server.url, 'source:journald')).length >= 60, { timeoutMs: 60_000, intervalMs: 500, what: '60 entries' });
    await sleep(1500);
    const user = await searchAll(server.url, 'job:user');
    assert.equal(user.length, 30, 'only the user unit entries');
    for (const h of user) {
      assert.equal(h.unit, 'sync-worker.service');
      assert.match(String(h.message), /^user service line \d+$/);
    }
    const podman = await searchAll(server.url, 'job:podman');
    assert.equal(podman.length, 30, 'only the container entries');
    for (const h of podman) {
      assert.equal(h['container.name'], 'shop-web');
      assert.equal(h['container.id'], CONTAINER_ID);
      assert.equal(h['container.image'], 'docker.io/library/shop:2.0');
      assert.match(String(h.message), /^container line \d+$/);
      assert.equal(h.level, 'warning');
    }
    assert.equal((await searchAll(server.url, 'message:"system line"')).length, 0);
    assert.equal(await agent.stop('SIGTERM'), 0, agent.output());
    await server.stop('SIGTERM');
  });
});
