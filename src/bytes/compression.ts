// Decompression of record batch payloads: the validation of every produced compressed batch
// (as Kafka's LogValidator opens them), and the cleaner, ListOffsets and record decoding on
// stored batches. Batches are stored and served as the producer compressed them; nothing is
// ever recompressed. gzip comes from zlib, snappy and lz4 are decoded here (Node has
// neither), zstd comes from zlib where Node has it (22.15 / 23.8 and later) and is otherwise
// reported as unavailable, so callers keep such batches unopened.
//
// Every call has an output limit, enforced while decompressing: a small payload that inflates
// to gigabytes (a compression bomb) costs at most the limit in memory and time, then throws
// DecompressedTooLargeError.
import { constants } from "node:buffer";
import * as zlib from "node:zlib";
import { CorruptCompressedDataError, DecompressedTooLargeError, corrupt } from "./compression-errors.js";
import { decompressLz4Frame } from "./lz4.js";
import { decompressSnappyPayload } from "./snappy.js";

export { CorruptCompressedDataError, DecompressedTooLargeError } from "./compression-errors.js";

/** The codec ids of a batch's attributes (record-batch.ts's Compression, which imports this module). */
const Compression = { NONE: 0, GZIP: 1, SNAPPY: 2, LZ4: 3, ZSTD: 4 } as const;

const MAX_LENGTH = constants.MAX_LENGTH;

type SyncInflate = (payload: Buffer, options: zlib.ZlibOptions) => Buffer;

/** zlib's zstd, present from Node 22.15 / 23.8 (not in Node 20's types, hence the lookup). */
const zstdDecompressSync = (zlib as unknown as { zstdDecompressSync?: SyncInflate }).zstdDecompressSync;

/** Whether zstd batches can be opened by this Node (else they are stored, served and kept unopened). */
export const ZSTD_AVAILABLE = typeof zstdDecompressSync === "function";

/**
 * The payload decompressed, at most `maxBytes` of it, or null when the codec cannot be
 * decoded here (zstd without zlib support). Throws CorruptCompressedDataError when the payload
 * is not valid data of its codec, DecompressedTooLargeError past the limit.
 */
export function decompress(compression: number, payload: Buffer, maxBytes: number): Buffer | null {
  switch (compression) {
    case Compression.NONE:
      return payload;
    case Compression.GZIP:
      return inflate("gzip", zlib.gunzipSync, payload, maxBytes);
    case Compression.SNAPPY:
      return decompressSnappyPayload(payload, maxBytes);
    case Compression.LZ4:
      return decompressLz4Frame(payload, maxBytes);
    case Compression.ZSTD:
      return zstdDecompressSync ? inflate("zstd", zstdDecompressSync, payload, maxBytes) : null;
    default:
      return corrupt(`unknown compression codec ${compression}`);
  }
}

/** Whether `decompress` can open a batch of this codec. */
export function canDecompress(compression: number): boolean {
  return compression <= Compression.LZ4 || (compression === Compression.ZSTD && ZSTD_AVAILABLE);
}

/** zlib stops producing output at maxOutputLength (it inflates chunk by chunk), so the limit bounds the work too. */
function inflate(codec: string, run: SyncInflate, payload: Buffer, maxBytes: number): Buffer {
  try {
    return run(payload, { maxOutputLength: Math.max(1, Math.min(maxBytes, MAX_LENGTH)) });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") throw new DecompressedTooLargeError(maxBytes);
    if (error instanceof CorruptCompressedDataError) throw error;
    throw new CorruptCompressedDataError(`${codec}: ${(error as Error).message}`);
  }
}
