import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

/**
 * Writes real journal files for tests: entries in journal export format are
 * appended to `<dir>/x.journal` by systemd-journal-remote (Debian package
 * systemd-journal-remote), which `journalctl --directory` then reads.
 */
export const JOURNAL_REMOTE = '/lib/systemd/systemd-journal-remote';

export interface JournalEntry {
  message: string;
  priority: number;
  unit: string;
  hostname?: string;
  fields?: Record<string, string>;
}

let monotonic = 1;

export function appendJournal(dir: string, entries: JournalEntry[], bootId = '0123456789abcdef0123456789abcdef'): void {
  let text = '';
  const now = Date.now() * 1000;
  entries.forEach((e, i) => {
    const fields: Record<string, string> = {
      __REALTIME_TIMESTAMP: String(now + i),
      __MONOTONIC_TIMESTAMP: String(monotonic++),
      _BOOT_ID: bootId,
      MESSAGE: e.message,
      PRIORITY: String(e.priority),
      _SYSTEMD_UNIT: e.unit,
      _HOSTNAME: e.hostname ?? 'journal-host',
      _PID: '4242',
      ...e.fields,
    };
    for (const [k, v] of Object.entries(fields)) text += `${k}=${v}\n`;
    text += '\n';
  });
  const file = `${dir}/batch-${process.pid}-${monotonic}.export`;
  writeFileSync(file, text);
  execFileSync(JOURNAL_REMOTE, [`--output=${dir}/x.journal`, file], { stdio: 'ignore' });
}
