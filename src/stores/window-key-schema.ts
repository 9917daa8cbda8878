// How a window store lays out its keys: Kafka Streams' WindowKeySchema.toStoreKeyBinary,
// the record key's bytes, then the window start (8 bytes, big-endian), then a sequence
// number (4 bytes; 0 unless the store keeps duplicates, as a stream-stream join's does).
// The same bytes are the store's changelog keys, so a Kafka Streams application (or a
// Java consumer using WindowKeySchema) reads an Eddy window changelog as its own.
//
// Byte order puts one key's windows together, by start time: a fetch of one key over a
// time range is one range scan. Another key may begin with the same bytes and so fall in
// the range: a scan checks the length and the prefix of every key it meets.
export const TIMESTAMP_SIZE = 8;
export const SEQNUM_SIZE = 4;
const SUFFIX_SIZE = TIMESTAMP_SIZE + SEQNUM_SIZE;

const TWO_TO_32 = 2 ** 32;

export function windowStoreKey(key: Buffer, windowStart: number, seqnum = 0): Buffer {
  const bytes = Buffer.allocUnsafe(key.length + SUFFIX_SIZE);
  key.copy(bytes, 0);
  writeInt64BE(bytes, windowStart, key.length);
  bytes.writeUInt32BE(seqnum >>> 0, key.length + TIMESTAMP_SIZE);
  return bytes;
}

/**
 * windowStoreKey() of a string key's UTF-8 bytes (Serdes.string()), written in place:
 * no Buffer of the key's own is made first (a windowed aggregation makes one key per
 * record), and an ASCII key (most are) is copied by a loop, about twice as fast as
 * Buffer's encoder for keys this short.
 */
export function windowStoreKeyOfString(key: string, windowStart: number, seqnum = 0): Buffer {
  const chars = key.length;
  let ascii = true;
  for (let i = 0; i < chars; i += 1) {
    if (key.charCodeAt(i) > 0x7f) {
      ascii = false;
      break;
    }
  }
  const length = ascii ? chars : Buffer.byteLength(key, "utf8");
  const bytes = Buffer.allocUnsafe(length + SUFFIX_SIZE);
  if (ascii) for (let i = 0; i < chars; i += 1) bytes[i] = key.charCodeAt(i);
  else bytes.write(key, 0, length, "utf8");
  writeInt64BE(bytes, windowStart, length);
  bytes.writeUInt32BE(seqnum >>> 0, length + TIMESTAMP_SIZE);
  return bytes;
}

/** A safe integer as 8 big-endian two's-complement bytes, without a BigInt (one per record otherwise). */
function writeInt64BE(bytes: Buffer, value: number, offset: number): void {
  const high = Math.floor(value / TWO_TO_32);
  bytes.writeInt32BE(high, offset);
  bytes.writeUInt32BE(value - high * TWO_TO_32, offset + 4);
}

/** The record key's bytes of a store key (a view, not a copy). */
export function keyBytesOf(storeKey: Buffer): Buffer {
  return storeKey.subarray(0, storeKey.length - SUFFIX_SIZE);
}

export function windowStartOf(storeKey: Buffer): number {
  const offset = storeKey.length - SUFFIX_SIZE;
  return storeKey.readInt32BE(offset) * TWO_TO_32 + storeKey.readUInt32BE(offset + 4);
}

/** windowStartOf() of a store key held as a latin1 string (a row of the record cache and the row index). */
export function windowStartOfRow(row: string): number {
  const at = row.length - SUFFIX_SIZE;
  const high =
    (row.charCodeAt(at) << 24) |
    (row.charCodeAt(at + 1) << 16) |
    (row.charCodeAt(at + 2) << 8) |
    row.charCodeAt(at + 3);
  const low =
    ((row.charCodeAt(at + 4) << 24) |
      (row.charCodeAt(at + 5) << 16) |
      (row.charCodeAt(at + 6) << 8) |
      row.charCodeAt(at + 7)) >>>
    0;
  return high * TWO_TO_32 + low;
}

export function seqnumOf(storeKey: Buffer): number {
  return storeKey.readUInt32BE(storeKey.length - SEQNUM_SIZE);
}

/** Whether a store key holds `key` (and not a longer key that starts with the same bytes). */
export function isStoreKeyOf(storeKey: Buffer, key: Buffer): boolean {
  return storeKey.length === key.length + SUFFIX_SIZE && storeKey.compare(key, 0, key.length, 0, key.length) === 0;
}

/** Whether a byte string is long enough to be a window store key. */
export function isWindowStoreKey(storeKey: Buffer): boolean {
  return storeKey.length >= SUFFIX_SIZE;
}

/** The inclusive bounds of a scan of one key's windows that start in [from, to]. */
export function windowRangeOf(key: Buffer, from: number, to: number): { gte: Buffer; lte: Buffer } {
  return { gte: windowStoreKey(key, Math.max(0, from), 0), lte: windowStoreKey(key, to, 0xffffffff) };
}
