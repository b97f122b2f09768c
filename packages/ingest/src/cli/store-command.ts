import { loadServerConfig } from '../config/load-server-config.js';
import { openBlockStore } from '../blocks/open-block-store.js';
import { migrateRowPartitions, rowPartitionFiles, type MigrateProgress } from '../sqlite/migrate-row-partitions.js';
import { rowStoreDir } from '../store/store-format.js';
import { errors } from '../server/errors.js';
import type { CliIo } from './cli-io.js';
import { parseCommandFlags } from './parse-command-flags.js';

export const STORE_USAGE = 'logship store migrate [--config FILE] [--data DIR] [--json]';

/**
 * `store migrate` moves a data folder's row partitions (`<data>/sqlite`,
 * formats 1–4) into the block store (`<data>/blocks`), oldest day first,
 * and removes each once its events are stored there. Run it with the
 * server stopped: a server started on a folder with row partitions writes
 * rows, and would go on doing so while they move. Killed at any moment, it
 * loses nothing; run again, it finishes (sqlite/migrate-row-partitions.ts).
 */
export async function storeCommand(argv: string[], io: CliIo, now: () => number = Date.now): Promise<number> {
  const flags = parseCommandFlags(argv, ['config', 'data', 'json']);
  if (flags.help) {
    io.stdout.write(`usage: ${STORE_USAGE}\n`);
    return 0;
  }
  if (flags.positionals[0] !== 'migrate' || flags.positionals.length > 1) throw errors.cliUsage(`usage: ${STORE_USAGE}`);
  const config = loadServerConfig(flags);
  if (config.store.type !== 'sqlite') {
    throw errors.cliUsage('store migrate converts the embedded store; the configured store is Elasticsearch');
  }
  if (config.store.format === 'rows') {
    throw errors.cliUsage('store.format is rows in the configuration: remove it (or set blocks) before migrating, or the server would go on writing rows');
  }
  const dir = rowStoreDir(config.data);
  const pending = rowPartitionFiles(dir).length;
  if (pending === 0) {
    if (flags.json) io.stdout.write(`${JSON.stringify({ partitions: [] })}\n`);
    else io.stdout.write(`Nothing to migrate: no row partitions in ${dir}.\n`);
    return 0;
  }
  if (!flags.json) io.stdout.write(`Migrating ${pending} row partitions from ${dir} to the block store.\n`);
  // One process, one operation: write on this thread, no reader threads.
  const store = await openBlockStore({
    dataDir: config.data,
    retention: config.retention,
    textFields: config.search.text_fields,
    writerThread: false,
    readerThreads: 0,
  });
  try {
    const line = (p: MigrateProgress): string =>
      `${p.partition}: ${p.read} events read, ${p.stored} stored, ${p.duplicates} already there, ${p.expired} past retention`;
    const result = await migrateRowPartitions(dir, store, {
      now: now(),
      // A large partition takes a while: a line per acknowledged page.
      onPage: (p) => {
        if (!flags.json) io.stdout.write(`  ${p.partition}: ${p.read} events so far\n`);
      },
      onPartition: (p) => {
        if (!flags.json) io.stdout.write(`${line(p)}\n`);
      },
    });
    if (flags.json) io.stdout.write(`${JSON.stringify(result)}\n`);
    else io.stdout.write(`Done: ${result.partitions.length} partitions migrated.\n`);
    return 0;
  } finally {
    await store.close();
  }
}
