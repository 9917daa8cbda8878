// CRC-32C (Castagnoli), the checksum of record batch v2. Slicing-by-8 tables: eight table
// lookups per 8 input bytes keep validation of produced batches far from the broker's
// critical path.

const POLY = 0x82f63b78;
const TABLES: Int32Array[] = [];

function buildTables(): void {
  const base = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    base[n] = c;
  }
  TABLES.push(base);
  for (let t = 1; t < 8; t++) {
    const previous = TABLES[t - 1]!;
    const table = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      const c = previous[n]!;
      table[n] = (c >>> 8) ^ base[c & 0xff]!;
    }
    TABLES.push(table);
  }
}
buildTables();

const [T0, T1, T2, T3, T4, T5, T6, T7] = TABLES as [
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
];

/** CRC-32C of buffer[start, end) as an unsigned 32-bit number. */
export function crc32c(buffer: Buffer, start = 0, end = buffer.length): number {
  let crc = -1;
  let i = start;
  const fast = end - ((end - start) & 7);
  while (i < fast) {
    const a = crc ^ (buffer[i]! | (buffer[i + 1]! << 8) | (buffer[i + 2]! << 16) | (buffer[i + 3]! << 24));
    crc =
      T7[a & 0xff]! ^
      T6[(a >>> 8) & 0xff]! ^
      T5[(a >>> 16) & 0xff]! ^
      T4[a >>> 24]! ^
      T3[buffer[i + 4]!]! ^
      T2[buffer[i + 5]!]! ^
      T1[buffer[i + 6]!]! ^
      T0[buffer[i + 7]!]!;
    i += 8;
  }
  while (i < end) crc = T0[(crc ^ buffer[i++]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}
