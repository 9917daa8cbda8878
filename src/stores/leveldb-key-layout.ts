// How one task's LevelDB holds all of its stores and its checkpoint. The first byte is
// a namespace, so no store key can collide with bookkeeping:
//
//   0x00 "layout"                        -> layout version (ASCII digits)
//   0x00 "checkpoint" 0x00 <topic:part>  -> next offset to restore from (8-byte big-endian)
//   0x01 <store name> 0x00 <key>         -> value
//
// Store names cannot contain 0x00 (see store-name.ts), so "<name> 0x00" is a prefix
// of no other store's keys, and a store's keys sort together, in the order of <key>.
// A plain prefix (rather than abstract-level sublevels) is what keeps batches fast:
// sublevel operations in a chained batch cost ~10x more per key in classic-level 3.

export const LAYOUT_VERSION = "1";
export const LAYOUT_KEY = Buffer.from("\x00layout", "latin1");
export const CHECKPOINT_PREFIX = Buffer.from("\x00checkpoint\x00", "latin1");
export const CHECKPOINT_END = Buffer.from("\x00checkpoint\x01", "latin1");

export interface StoreKeySpace {
  /** 0x01 <name> 0x00: every key of the store starts with it. */
  readonly prefix: Buffer;
  /** 0x01 <name> 0x01: the first key after the store's keys. */
  readonly end: Buffer;
}

export function storeKeySpace(name: string): StoreKeySpace {
  const prefix = Buffer.from(`\x01${name}\x00`, "latin1");
  const end = Buffer.from(prefix);
  end[end.length - 1] = 0x01;
  return { prefix, end };
}

/** prefix + key in one fresh buffer. */
export function prefixed(prefix: Buffer, key: Buffer): Buffer {
  const out = Buffer.allocUnsafe(prefix.length + key.length);
  out.set(prefix, 0);
  out.set(key, prefix.length);
  return out;
}

export function checkpointKey(changelogPartition: string): Buffer {
  return prefixed(CHECKPOINT_PREFIX, Buffer.from(changelogPartition, "utf8"));
}
