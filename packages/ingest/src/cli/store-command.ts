import { loadServerConfig } from '../config/load-server-config.js';
import { openBlockStore } from '../blocks/open-block-store.js';
import { migrateRowPartitions, removeRetiredPartitions, rowPartitionFiles, type MigrateProgress } from '../sqlite/migrate-row-partitions.js';
import { rowStoreDir } from '../store/store-format.js';
import { requireLocalStore } from './require-local-store.js';
import { errors } from '../server/errors.js';
import type { CliIo } from './cli-io.js';
import { parseCommandFlags, type CommandFlags } from './parse-command-flags.js';
import { backupDataFolder } from '../sqlite/backup-data-folder.js';
import { partitionFileCheck } from './partition-file-check.js';
import { setAsideFile } from './set-aside-file.js';
import { lockDataFolder } from '../sqlite/data-folder-lock.js';
import { STORE_USAGE } from './command-usage.js';
export { STORE_USAGE };


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
  const [action, ...rest] = flags.positionals;
  if (action === 'backup' && rest.length === 1) return backup(flags, rest[0]!, io);
  if (action !== 'migrate' || rest.length > 0) throw errors.cliUsage(`usage: ${STORE_USAGE}`);
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
    // A run killed after retiring its last partition left it renamed, not deleted.
    removeRetiredPartitions(dir);
    if (flags.json) io.stdout.write(`${JSON.stringify({ partitions: [] })}\n`);
    else io.stdout.write(`Nothing to migrate: no row partitions in ${dir}.\n`);
    return 0;
  }
  // Refused while a server runs on the folder: it would go on writing rows.
  const lock = lockDataFolder(config.data, 'store migrate');
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
    lock.release();
  }
}

/**
 * `store backup DEST`: a copy of the embedded store's data folder that a
 * server can be started on (`logship serve --data DEST`), taken while the
 * server runs (sqlite/backup-data-folder.ts). Elasticsearch keeps its own
 * snapshots (its snapshot API), so there it is refused.
 */
function backup(flags: CommandFlags, dest: string, io: CliIo): number {
  const config = loadServerConfig(flags);
  if (config.store.type !== 'sqlite') {
    throw errors.cliUsage('store backup copies the embedded store; back up Elasticsearch with its snapshot API');
  }
  // A folder with no store (a mistyped --data) was copied as one: an empty
  // "backup" that exits 0, found out only when it is needed.
  requireLocalStore(config.data, "; store backup copies the server's store: give its data folder (--data DIR) or its config (--config FILE)");
  const setAside: string[] = [];
  const files = backupDataFolder(config.data, dest, {
    check: partitionFileCheck,
    // Said once the destination is checked: a refusal came after "Backing up …", which read as a backup under way.
    onStart: () => {
      if (!flags.json) io.stdout.write(`Backing up ${config.data} to ${dest}.\n`);
    },
    onFile: (f) => {
      // Copied as it is (an operator may still want it), but it is no
      // partition of the backup: a server started on it does not search it.
      const aside = setAsideFile(f.file);
      if (aside !== null) {
        setAside.push(f.file);
        io.stderr.write(`logship: note: ${f.file} is a partition file ${aside}; copied as it is, unchecked, and not counted among the partitions\n`);
      }
      if (f.damaged !== undefined) io.stderr.write(`logship: warning: ${f.file} is damaged (${f.damaged}); its copy is too (LS_STORE_CORRUPT_PARTITION)\n`);
      const tag = f.damaged !== undefined ? ' (damaged)' : aside !== null ? ' (set aside, not searched)' : '';
      if (!flags.json) io.stdout.write(`  ${f.file}: ${f.bytes} bytes${tag}\n`);
    },
  });
  const bytes = files.reduce((n, f) => n + f.bytes, 0);
  const damaged = files.filter((f) => f.damaged !== undefined).map((f) => f.file);
  const listed = files.map((f) => (setAside.includes(f.file) ? { ...f, set_aside: true } : f));
  if (flags.json) io.stdout.write(`${JSON.stringify({ dest, files: listed, bytes, damaged, set_aside: setAside })}\n`);
  else {
    const aside = setAside.length > 0 ? ` (${setAside.length} of them set aside, not searched: ${setAside.join(', ')})` : '';
    io.stdout.write(`Done: ${files.length} files, ${bytes} bytes in ${dest}${aside}.\n`);
  }
  if (damaged.length === 0) return 0;
  // Exit 1 with the copy kept: a script that rotates backups on success
  // must not drop the last one whose copy of these days is good.
  io.stderr.write(
    `logship: ${damaged.length} partition file(s) of the backup are damaged as in the data folder: ${damaged.join(', ')}. ` +
      'Keep an earlier backup of those days; restore them from it or move them aside (docs/SERVER.md).\n',
  );
  return 1;
}
