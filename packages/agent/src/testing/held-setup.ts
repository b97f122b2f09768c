import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Agent } from '../agent.js';
import { validateConfig, type AgentConfig } from '../config.js';
import { IngestReceiver } from './ingest-receiver.js';

export interface HeldSetup {
  /** The test's folder: `logs/` read by the agent, `data/` its data_dir. */
  dir: string;
  /** `logs/app.log`, the file the one source reads. */
  file: string;
  receiver: IngestReceiver;
  /** The agent's config with these spool settings: small batches, fast retries, the one file source. */
  config: (spool?: Record<string, unknown>) => AgentConfig;
  /** Agents started by the test, stopped after it. */
  agents: Agent[];
}

/** The held-lines unit tests' agent against an in-process receiver (ingest-receiver.ts), removed after the test. */
export async function heldSetup(t: { after: (fn: () => Promise<void>) => void }): Promise<HeldSetup> {
  const dir = mkdtempSync(join(tmpdir(), 'ls-agent-held-'));
  mkdirSync(join(dir, 'logs'));
  const receiver = new IngestReceiver();
  await receiver.start();
  const agents: Agent[] = [];
  t.after(async () => {
    for (const a of agents) await a.stop();
    await receiver.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    dir, file: join(dir, 'logs', 'app.log'), receiver, agents,
    config: (spool = {}) => validateConfig({
      server: { url: receiver.url },
      data_dir: join(dir, 'data'),
      batch: { max_events: 5, max_age_ms: 20 },
      retry: { initial_backoff_ms: 10, max_backoff_ms: 100 },
      spool,
      shutdown_timeout_ms: 500,
      sources: [{ type: 'file', name: 'app', include: [join(dir, 'logs', '*.log')], poll_interval_ms: 50 }],
      metrics: { listen: 'off' },
    }),
  };
}
