// The errors of record batch decompression (compression.ts, snappy.ts, lz4.ts).

/** The payload is not valid data of its codec. */
export class CorruptCompressedDataError extends Error {}

/** The payload decompresses to more than the caller allows (a compression bomb, or a batch over the limit). */
export class DecompressedTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`decompresses to more than ${limit} bytes`);
  }
}

export function corrupt(what: string): never {
  throw new CorruptCompressedDataError(what);
}

export function tooLarge(limit: number): never {
  throw new DecompressedTooLargeError(limit);
}
