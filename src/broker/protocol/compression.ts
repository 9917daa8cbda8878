// Decompression of record batch payloads, for the few places the broker must look inside a
// batch (keys on compacted topics, the cleaner, ListOffsets and record decoding). Batches are
// stored and served as the producer compressed them; nothing here runs on the produce/fetch
// path of other topics. gzip comes from zlib; snappy and lz4 are decoded here (Node 20 has
// neither); zstd is not available and answers null, so callers keep such batches unopened.
import { gunzipSync } from "node:zlib";
import { decompressLz4Frame } from "./lz4.js";
import { decompressSnappyPayload } from "./snappy.js";

export { CorruptCompressedDataError } from "./compression-errors.js";

/** The codec ids of a batch's attributes (record-batch.ts's Compression, which imports this module). */
const Compression = { NONE: 0, GZIP: 1, SNAPPY: 2, LZ4: 3 } as const;

/** The payload decompressed, or null when the codec cannot be decoded here (zstd). */
export function decompress(compression: number, payload: Buffer): Buffer | null {
  switch (compression) {
    case Compression.NONE:
      return payload;
    case Compression.GZIP:
      return gunzipSync(payload);
    case Compression.SNAPPY:
      return decompressSnappyPayload(payload);
    case Compression.LZ4:
      return decompressLz4Frame(payload);
    default:
      return null;
  }
}

/** Whether `decompress` can open a batch of this codec. */
export function canDecompress(compression: number): boolean {
  return compression <= Compression.LZ4;
}
