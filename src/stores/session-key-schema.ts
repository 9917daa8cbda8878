// How a session store lays out its keys: Kafka Streams' SessionKeySchema.toBinary, the
// record key's bytes, then the session's end, then its start (8 bytes each, big-endian).
// The same bytes are the changelog's keys, so a Java consumer reads them with
// SessionKeySchema (or, without the store's framing, SessionWindowedDeserializer).
//
// The record cache and the writer's session index (session-index.ts) keep a store key as
// a latin1 string, its "row", and a record key's bytes as its "key row": a row is its key
// row followed by 16 characters of end and start.
import type { Serde, SerdeContext } from "../serdes/serde.js";
import { stringSerde } from "../serdes/text-and-bytes.js";

export const SESSION_SUFFIX_SIZE = 16;

const TWO_TO_32 = 2 ** 32;

export function sessionStoreKey(key: Buffer, start: number, end: number): Buffer {
  const bytes = Buffer.allocUnsafe(key.length + SESSION_SUFFIX_SIZE);
  key.copy(bytes, 0);
  writeInt64BE(bytes, end, key.length);
  writeInt64BE(bytes, start, key.length + 8);
  return bytes;
}

/** Whether every character of `key` is ASCII: its UTF-8 bytes are then its characters, and its latin1 string itself. */
function isAscii(key: string): boolean {
  for (let i = 0; i < key.length; i += 1) if (key.charCodeAt(i) > 0x7f) return false;
  return true;
}

/**
 * sessionStoreKey() of a string key's UTF-8 bytes (Serdes.string()), written in place: no
 * Buffer of the key's own first (a session aggregation makes a key or two per record).
 */
export function sessionStoreKeyOfString(key: string, start: number, end: number): Buffer {
  if (!isAscii(key)) return sessionStoreKey(Buffer.from(key, "utf8"), start, end);
  const length = key.length;
  const bytes = Buffer.allocUnsafe(length + SESSION_SUFFIX_SIZE);
  for (let i = 0; i < length; i += 1) bytes[i] = key.charCodeAt(i);
  writeInt64BE(bytes, end, length);
  writeInt64BE(bytes, start, length + 8);
  return bytes;
}

/** The store key of `key`'s session [start, end], with `serde`. */
export function sessionStoreKeyOf<K>(
  serde: Serde<K>,
  context: SerdeContext,
  key: K,
  start: number,
  end: number,
): Buffer {
  if (typeof key === "string" && (serde as Serde<unknown>) === stringSerde)
    return sessionStoreKeyOfString(key, start, end);
  return sessionStoreKey(serde.serialize(key, context), start, end);
}

/** The key row of `key` (its bytes as latin1): an ASCII string key is its own. */
export function sessionKeyRowOf<K>(serde: Serde<K>, context: SerdeContext, key: K): string {
  if (typeof key === "string" && (serde as Serde<unknown>) === stringSerde && isAscii(key)) return key;
  return serde.serialize(key, context).toString("latin1");
}

/** A safe integer as 8 big-endian two's-complement bytes, without a BigInt. */
function writeInt64BE(bytes: Buffer, value: number, offset: number): void {
  const high = Math.floor(value / TWO_TO_32);
  bytes.writeInt32BE(high, offset);
  bytes.writeUInt32BE(value - high * TWO_TO_32, offset + 4);
}

function readInt64BE(bytes: Buffer, offset: number): number {
  return bytes.readInt32BE(offset) * TWO_TO_32 + bytes.readUInt32BE(offset + 4);
}

/** A session store key's session end: the time its row is kept by (-1 for a key too short to be one). */
export function sessionEndOf(storeKey: Buffer): number {
  return storeKey.length < SESSION_SUFFIX_SIZE ? -1 : readInt64BE(storeKey, storeKey.length - SESSION_SUFFIX_SIZE);
}

export function sessionStartOf(storeKey: Buffer): number {
  return readInt64BE(storeKey, storeKey.length - 8);
}

/** The record key's bytes of a session store key (a view, not a copy). */
export function sessionKeyBytesOf(storeKey: Buffer): Buffer {
  return storeKey.subarray(0, storeKey.length - SESSION_SUFFIX_SIZE);
}
