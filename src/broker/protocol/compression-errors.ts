// The errors of record batch decompression (compression.ts, snappy.ts, lz4.ts).

/** The payload is not valid data of its codec. */
export class CorruptCompressedDataError extends Error {}

export function corrupt(what: string): never {
  throw new CorruptCompressedDataError(what);
}
