// CRC-32C (Castagnoli), the checksum of Kafka's v2 record batches, slicing by 8 bytes.
// The tables are computed from the reflected polynomial 0x82F63B78 at load.

const POLY = 0x82f63b78;
const TABLES: Uint32Array[] = [];

{
  const base = new Uint32Array(256);
  for (let i = 0; i < 256; i += 1) {
    let c = i;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    base[i] = c >>> 0;
  }
  TABLES.push(base);
  for (let t = 1; t < 8; t += 1) {
    const previous = TABLES[t - 1] as Uint32Array;
    const table = new Uint32Array(256);
    for (let i = 0; i < 256; i += 1) table[i] = ((previous[i] as number) >>> 8) ^ (base[(previous[i] as number) & 0xff] as number);
    TABLES.push(table);
  }
}

const [T0, T1, T2, T3, T4, T5, T6, T7] = TABLES as [Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array];

/** CRC-32C of `bytes[start, end)`, as an unsigned 32-bit number. */
export function crc32c(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffffffff;
  let i = start;
  for (; i + 8 <= end; i += 8) {
    const a = (crc ^ (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24))) >>> 0;
    crc =
      T7[a & 0xff]! ^
      T6[(a >>> 8) & 0xff]! ^
      T5[(a >>> 16) & 0xff]! ^
      T4[a >>> 24]! ^
      T3[bytes[i + 4]!]! ^
      T2[bytes[i + 5]!]! ^
      T1[bytes[i + 6]!]! ^
      T0[bytes[i + 7]!]!;
  }
  for (; i < end; i += 1) crc = T0[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
