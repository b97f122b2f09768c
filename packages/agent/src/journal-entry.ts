import { readFileSync } from 'node:fs';

/*
 * What the journald source takes from a journal entry and from the machine
 * (journald-source.ts): the MESSAGE as text, the envelope fields an entry
 * carries besides it, and this machine's id that tells its entries from
 * another's.
 */

/** MESSAGE as text: journalctl prints a value that is not valid UTF-8 as an array of its bytes. */
export function entryMessage(message: unknown): string {
  if (typeof message === 'string') return message;
  if (Array.isArray(message) && message.every((b) => typeof b === 'number')) return Buffer.from(message as number[]).toString('utf8');
  return '';
}

/** Where this machine's id is: systemd's, as journald stamps `_MACHINE_ID`, then D-Bus's copy. */
export const MACHINE_ID_FILES: readonly string[] = ['/etc/machine-id', '/var/lib/dbus/machine-id'];

/** The first of `files` that holds an id, or null where there is none (some containers). */
export function localMachineId(files: readonly string[]): string | null {
  for (const file of files) {
    try {
      const id = readFileSync(file, 'utf8').trim();
      if (id !== '') return id;
    } catch {
      // The next place, or none.
    }
  }
  return null;
}

/**
 * Envelope fields from a journal entry: a user unit is the entry's `unit`
 * (its _SYSTEMD_UNIT is `user@UID.service`), and podman's journald driver
 * fields map to the `container.*` fields the docker preset sets.
 */
export function entryFields(entry: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  const str = (k: string): string | undefined => (typeof entry[k] === 'string' ? entry[k] : undefined);
  const userUnit = str('_SYSTEMD_USER_UNIT');
  if (userUnit) out.unit = userUnit;
  const name = str('CONTAINER_NAME');
  const id = str('CONTAINER_ID_FULL') ?? str('CONTAINER_ID');
  const image = str('IMAGE_NAME');
  if (name) out['container.name'] = name;
  if (id) out['container.id'] = id;
  if (image) out['container.image'] = image;
  return out;
}
