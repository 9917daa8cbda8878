// How one task's LevelDB holds all of its stores and its checkpoint. The first byte is
// a namespace, so no store key can collide with bookkeeping:
//
//   0x00 "layout"                        -> layout version (ASCII digits)
//   0x00 "upgrade" 0x00 <store name>     -> during an upgrade from layout 1: the last key converted
//   0x00 "checkpoint" 0x00 <topic:part>  -> next offset to restore from (8-byte big-endian)
//   0x00 "store" 0x00 <store name>       -> the store's id (2-byte big-endian, from 1)
//   0x00 "streamtime" 0x00 <store name>  -> the store's stream time as of its rows on disk (8-byte big-endian)
//   0x01 <store id> <key>                -> value
//
// A store's keys carry a 3-byte prefix rather than its name: generated store names are
// 40 characters long ("KSTREAM-AGGREGATE-STATE-STORE-0000000001"), and every byte of
// a key is paid for in the write-ahead log, the memtable and every comparison. The
// name -> id entry is written in the same batch as the store's first data, so an id
// that owns data is always on disk. A plain prefix (rather than abstract-level
// sublevels) is also what keeps batches fast: sublevel operations in a chained batch
// cost ~10x more per key in classic-level 3. The stream time entries came within layout 2:
// a database without them opens as before (the clocks unknown), and an older Eddy skips them.
import { prefixUpperBound } from "./bytes-order.js";

/** 2: the DSL's key-value stores keep ValueAndTimestamp values. */
export const LAYOUT_VERSION = "2";
/** 1: every store kept plain values; opening it for a topology upgrades it (leveldb-timestamp-upgrade.ts). */
export const LEGACY_LAYOUT_VERSION = "1";
export const LAYOUT_KEY = Buffer.from("\x00layout", "latin1");
export const CHECKPOINT_PREFIX = Buffer.from("\x00checkpoint\x00", "latin1");
export const CHECKPOINT_END = Buffer.from("\x00checkpoint\x01", "latin1");
export const STORE_ID_PREFIX = Buffer.from("\x00store\x00", "latin1");
export const STORE_ID_END = Buffer.from("\x00store\x01", "latin1");
export const MAX_STORE_ID = 0xffff;
export const STREAM_TIME_PREFIX = Buffer.from("\x00streamtime\x00", "latin1");
export const STREAM_TIME_END = Buffer.from("\x00streamtime\x01", "latin1");

/** Where one store's keys live, and whether its id is on disk yet. */
export interface StoreKeySpace {
  readonly name: string;
  readonly id: number;
  /** 0x01 <id>: every key of the store starts with it. */
  readonly prefix: Buffer;
  /** The first key after the store's keys. */
  readonly end: Buffer;
  /** The name -> id entry to write with the store's first data. */
  readonly registrationKey: Buffer;
  readonly registrationValue: Buffer;
  registered: boolean;
}

export function storeKeySpace(name: string, id: number, registered: boolean): StoreKeySpace {
  const prefix = Buffer.from([0x01, id >>> 8, id & 0xff]);
  const registrationValue = Buffer.from([id >>> 8, id & 0xff]);
  return {
    name,
    id,
    prefix,
    end: prefixUpperBound(prefix) as Buffer,
    registrationKey: storeIdKey(name),
    registrationValue,
    registered,
  };
}

export function storeIdKey(name: string): Buffer {
  return prefixed(STORE_ID_PREFIX, Buffer.from(name, "latin1"));
}

/** prefix + key in one fresh buffer. */
export function prefixed(prefix: Buffer, key: Buffer): Buffer {
  const out = Buffer.allocUnsafe(prefix.length + key.length);
  out.set(prefix, 0);
  out.set(key, prefix.length);
  return out;
}

/** prefix + a key given as its bytes in a latin1 string (a row of a window store's index), in one fresh buffer. */
export function prefixedRow(prefix: Buffer, row: string): Buffer {
  const out = Buffer.allocUnsafe(prefix.length + row.length);
  out.set(prefix, 0);
  out.write(row, prefix.length, "latin1");
  return out;
}

export function streamTimeKey(name: string): Buffer {
  return prefixed(STREAM_TIME_PREFIX, Buffer.from(name, "latin1"));
}

export function checkpointKey(changelogPartition: string): Buffer {
  return prefixed(CHECKPOINT_PREFIX, Buffer.from(changelogPartition, "utf8"));
}
