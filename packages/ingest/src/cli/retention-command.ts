import { loadServerConfig } from '../config/load-server-config.js';
import type { PartitionInfo } from '../store/log-store.js';
import { DEFAULT_CLASS } from '../retention/retention-config.js';
import { openStore } from '../store/open-store.js';
import { errors } from '../server/errors.js';
import type { CliIo } from './cli-io.js';
import { parseCommandFlags } from './parse-command-flags.js';

export const RETENTION_USAGE = 'logship retention status|run [--config FILE] [--data DIR] [--json]';

/**
 * `retention status` lists each class with its partitions, sizes and oldest
 * event; `retention run` enforces retention now. Both open the store beside
 * a running server (SQLite in WAL mode allows it).
 */
export async function retentionCommand(argv: string[], io: CliIo, now: () => number = Date.now): Promise<number> {
  const flags = parseCommandFlags(argv, ['config', 'data', 'store', 'esUrl', 'json']);
  const action = flags.positionals[0];
  if (flags.help) {
    io.stdout.write(`usage: ${RETENTION_USAGE}\n`);
    return 0;
  }
  if ((action !== 'status' && action !== 'run') || flags.positionals.length > 1) {
    throw errors.cliUsage(`usage: ${RETENTION_USAGE}`);
  }
  const config = loadServerConfig(flags);
  // One operation, then exit: no writer or reader threads to start.
  const store = await openStore(config, { threads: false });
  try {
    if (action === 'run') {
      const result = await store.enforceRetention(now());
      if (flags.json) io.stdout.write(`${JSON.stringify(result)}\n`);
      else {
        io.stdout.write(
          `Retention removed ${result.eventsRemoved} events and ${formatBytes(result.bytesRemoved)} ` +
            `in ${result.partitionsDropped.length} partitions${result.partitionsDropped.length ? `: ${result.partitionsDropped.join(', ')}` : ''}.\n`,
        );
      }
      return 0;
    }
    const partitions = await store.partitions(now());
    const classes = [
      ...config.retention.classes.map((c) => ({ name: c.name, days: c.days, match: c.match })),
      { name: DEFAULT_CLASS, days: config.retention.default_days, match: '*' },
    ];
    // Partitions of classes no longer configured still exist on disk: show them too.
    for (const p of partitions) {
      if (!classes.some((c) => c.name === p.class)) classes.push({ name: p.class, days: config.retention.default_days, match: '(no longer configured)' });
    }
    const report = classes.map((c) => {
      const own = partitions.filter((p) => p.class === c.name).sort((a, b) => a.day.localeCompare(b.day));
      const oldest = own.reduce<number | null>((m, p) => (p.oldest !== null && (m === null || p.oldest < m) ? p.oldest : m), null);
      return {
        ...c,
        bytes: own.reduce((s, p) => s + p.bytes, 0),
        events: own.reduce((s, p) => s + p.events, 0),
        oldest: oldest === null ? null : new Date(oldest).toISOString(),
        partitions: own,
      };
    });
    if (flags.json) {
      io.stdout.write(`${JSON.stringify({ classes: report })}\n`);
      return 0;
    }
    for (const c of report) {
      io.stdout.write(
        `class ${c.name} (${c.days} days, match ${c.match}): ${c.partitions.length} partitions, ` +
          `${c.events} events, ${formatBytes(c.bytes)}, oldest ${c.oldest ?? '-'}\n`,
      );
      for (const p of c.partitions) io.stdout.write(`  ${formatPartition(p)}\n`);
    }
    return 0;
  } finally {
    await store.close();
  }
}

function formatPartition(p: PartitionInfo): string {
  const oldest = p.oldest === null ? '-' : new Date(p.oldest).toISOString();
  return `${p.name}  day ${p.day}  ${p.events} events  ${formatBytes(p.bytes)}  oldest ${oldest}${p.expired ? '  EXPIRED' : ''}`;
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}
