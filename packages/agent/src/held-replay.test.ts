import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { Agent } from './agent.js';
import { createLogger } from './log.js';
import { until, type ReceivedEvent } from './testing/ingest-receiver.js';
import { heldSetup } from './testing/held-setup.js';

/**
 * A SIGKILL after a spooled batch's lines were held and before its spool
 * file was removed (the held file is written, then the batch leaves the
 * queue): the next start sends that batch again, as every batch a crashed
 * run left on disk. Given up for their age at that start (the agent was
 * down longer than spool.max_held_age_s), its held lines came back in that
 * batch and were held anew, with a fresh age. The state the kill leaves is
 * built from a real run's files: its held file, aged, and its batch put
 * back in the spool directory, with no clean-stop marker.
 */
test('lines given up at start are not held again when a batch the crashed run left on disk brings them back', async (t) => {
  const { dir, receiver, config, agents } = await heldSetup(t);
  const damaged = (ev: ReceivedEvent): boolean => ev['@raw'].includes('old-day');
  receiver.retryable = damaged;
  writeFileSync(join(dir, 'logs', 'app.log'), Array.from({ length: 5 }, (_, i) => `event seq=${i}${i === 3 ? ' old-day' : ''}\n`).join(''));
  const first = await Agent.start(config({}), createLogger('error', () => undefined));
  agents.push(first);
  await until(() => receiver.events.size === 4 && first.held.lines === 1, 'four lines stored, one held');
  await first.stop();
  agents.pop();

  // What a kill between the held file and the batch's removal leaves, the agent down two hours.
  const spool = join(dir, 'data', 'spool');
  const [name] = readdirSync(spool).filter((n) => n.endsWith('.held'));
  const data = readFileSync(join(spool, name!));
  const nl = data.indexOf(10);
  const header = JSON.parse(data.subarray(0, nl).toString('utf8')) as { since_ms: number; positions: unknown; sources: Record<string, number> };
  writeFileSync(join(spool, name!), Buffer.concat([Buffer.from(JSON.stringify({ ...header, since_ms: header.since_ms - 7_200_000 }) + '\n'), data.subarray(nl + 1)]));
  const held = gunzipSync(data.subarray(nl + 1)).toString('utf8').trim();
  const stored = [...receiver.events.values()].sort((a, b) => a['event.id'] < b['event.id'] ? -1 : 1).map(({ '@raw': _raw, ...envelope }) => JSON.stringify({ '@raw': _raw, ...envelope }));
  const batch = [...stored.slice(0, 3), held, stored[3]].join('\n') + '\n';
  writeFileSync(join(spool, '0000000000000000.batch'), Buffer.concat([Buffer.from(JSON.stringify({ v: 1, count: 5, positions: header.positions, sources: { app: 5 } }) + '\n'), gzipSync(batch)]));
  rmSync(join(spool, 'clean-stop'), { force: true });

  const requests = receiver.requests;
  const agent = await Agent.start(config({ max_held_age_s: 3600 }), createLogger('error', () => undefined));
  agents.push(agent);
  await until(() => agent.spool.length === 0 && receiver.requests > requests, 'the batch the crashed run left, sent');
  assert.equal(agent.metrics.get('held_expired_events_total', { source: 'app' }), 1, 'given up once');
  assert.equal(agent.held.lines, 0, 'not held again');
  assert.deepEqual(readdirSync(spool).filter((n) => n.endsWith('.held')), []);
  assert.equal(agent.metrics.get('events_shipped_total', { source: 'app' }) ?? 0, 4, 'the given-up line is not counted as shipped');
});
