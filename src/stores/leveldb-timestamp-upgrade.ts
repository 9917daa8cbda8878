// Layout 1 of a task's LevelDB (Eddy before timestamped stores) kept plain values in
// every store. The DSL's key-value stores now keep ValueAndTimestamp bytes, so opening
// a layout-1 database for a topology rewrites those stores' values in place with the
// timestamp -1 (Kafka's NO_TIMESTAMP), as Kafka Streams' RocksDBTimestampedStore does
// when it upgrades a plain store: such a row takes the timestamp of the next record
// that changes it (aggregates and joins forward the larger of their inputs').
//
// The rewrite goes in chunks, each written with a marker of the last key it converted
// (`0x00 "upgrade" 0x00 <store>`), so an upgrade interrupted by a crash resumes where
// it stopped and never converts a value twice; the layout version and the end of the
// markers are written last, in one batch.
import type { ClassicLevel } from "classic-level";
import { prefixed } from "./leveldb-key-layout.js";
import { NO_TIMESTAMP, withTimestamp } from "./value-and-timestamp.js";

const UPGRADE_PREFIX = Buffer.from("\x00upgrade\x00", "latin1");
const UPGRADE_END = Buffer.from("\x00upgrade\x01", "latin1");
const CHUNK = 4096;

export interface UpgradedKeySpace {
  readonly name: string;
  /** Every key of the store starts with it. */
  readonly prefix: Buffer;
  /** The first key after the store's keys. */
  readonly end: Buffer;
}

/** Converts the stores' values to ValueAndTimestamp bytes, then writes `finalWrites` (the new layout version). */
export async function upgradeToTimestampedValues(
  db: ClassicLevel<Buffer, Buffer>,
  stores: readonly UpgradedKeySpace[],
  finalWrites: readonly [Buffer, Buffer][],
): Promise<number> {
  let converted = 0;
  for (const store of stores) {
    const marker = prefixed(UPGRADE_PREFIX, Buffer.from(store.name, "latin1"));
    let last = await db.get(marker);
    while (true) {
      const iterator = db.iterator(
        last === undefined
          ? { gte: store.prefix, lt: store.end, limit: CHUNK }
          : { gt: last, lt: store.end, limit: CHUNK },
      );
      let entries: [Buffer, Buffer][];
      try {
        entries = (await iterator.all()) as [Buffer, Buffer][];
      } finally {
        await iterator.close();
      }
      if (entries.length === 0) break;
      const batch = db.batch();
      for (const [key, value] of entries) batch.put(key, withTimestamp(NO_TIMESTAMP, value));
      last = entries[entries.length - 1]![0];
      batch.put(marker, last);
      await batch.write();
      converted += entries.length;
      if (entries.length < CHUNK) break;
    }
  }
  const batch = db.batch();
  for (const [key, value] of finalWrites) batch.put(key, value);
  batch.del(UPGRADE_PREFIX);
  for await (const key of db.keys({ gte: UPGRADE_PREFIX, lt: UPGRADE_END })) batch.del(key);
  await batch.write();
  return converted;
}
