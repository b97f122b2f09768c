import { isCorruption } from '../sqlite/partition-damage.js';
import { storeErrorDetail } from '../store/store-error.js';
import type { PartitionKey } from '../sqlite/partition-name.js';
import { BlockPartition } from './block-partition.js';

/**
 * Decodes every block of a partition file (headers, every column, the
 * content-id tags) on a connection of its own, and says what fails: damage
 * inside a block's bytes that SQLite's quick_check, which does not read
 * the values, passes (a block's brotli stream or its metas overwritten).
 * Null when everything decodes. Run only after a read failed on such
 * damage, to find which file of the read's range it was.
 */
export function blockContentCheck(file: string, key: PartitionKey): string | null {
  let part: BlockPartition | undefined;
  try {
    part = new BlockPartition(file, key, { create: false });
    for (const block of part.headers()) {
      part.allColumns(block);
      part.contentIdTags(block);
    }
    return null;
  } catch (err) {
    // The store's sentence and the path are left out where it is quoted (damageReason).
    return isCorruption(err) ? storeErrorDetail(err) : null;
  } finally {
    part?.close();
  }
}
