// xxHash32 (seed 0), the checksum of the LZ4 frame format: Kafka checks a frame's header
// checksum and its block checksums with it, so a frame that fails them is refused here too.

const PRIME1 = 0x9e3779b1;
const PRIME2 = 0x85ebca77;
const PRIME3 = 0xc2b2ae3d;
const PRIME4 = 0x27d4eb2f;
const PRIME5 = 0x165667b1;

function rotl(value: number, bits: number): number {
  return (value << bits) | (value >>> (32 - bits));
}

function round(accumulator: number, lane: number): number {
  return Math.imul(rotl((accumulator + Math.imul(lane, PRIME2)) | 0, 13), PRIME1);
}

/** xxHash32 of `buffer[start, end)` with seed 0, as an unsigned 32-bit integer. */
export function xxhash32(buffer: Buffer, start = 0, end = buffer.length): number {
  let at = start;
  let hash: number;
  if (end - start >= 16) {
    let v1 = (PRIME1 + PRIME2) | 0;
    let v2 = PRIME2;
    let v3 = 0;
    let v4 = -PRIME1 | 0;
    for (const limit = end - 16; at <= limit; at += 16) {
      v1 = round(v1, buffer.readInt32LE(at));
      v2 = round(v2, buffer.readInt32LE(at + 4));
      v3 = round(v3, buffer.readInt32LE(at + 8));
      v4 = round(v4, buffer.readInt32LE(at + 12));
    }
    hash = (rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)) | 0;
  } else {
    hash = PRIME5;
  }
  hash = (hash + (end - start)) | 0;
  for (; at + 4 <= end; at += 4) {
    hash = Math.imul(rotl((hash + Math.imul(buffer.readInt32LE(at), PRIME3)) | 0, 17), PRIME4);
  }
  for (; at < end; at++) {
    hash = Math.imul(rotl((hash + Math.imul(buffer[at]!, PRIME5)) | 0, 11), PRIME1);
  }
  hash = Math.imul(hash ^ (hash >>> 15), PRIME2);
  hash = Math.imul(hash ^ (hash >>> 13), PRIME3);
  return (hash ^ (hash >>> 16)) >>> 0;
}
