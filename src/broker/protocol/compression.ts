// Decompression of record batch payloads, for the few places the broker must look inside a
// batch (keys on compacted topics, the cleaner, ListOffsets and record decoding). Batches are
// stored and served as the producer compressed them; nothing here runs on the produce/fetch
// path of other topics. gzip comes from zlib; snappy and lz4 are decoded here (Node 20 has
// neither); zstd is not available and answers null, so callers keep such batches unopened.
import { gunzipSync } from "node:zlib";

/** The codec ids of a batch's attributes (record-batch.ts's Compression, which imports this module). */
const Compression = { NONE: 0, GZIP: 1, SNAPPY: 2, LZ4: 3 } as const;

export class CorruptCompressedDataError extends Error {}

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

function corrupt(what: string): never {
  throw new CorruptCompressedDataError(what);
}

// ---- snappy ----

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER = 16;

/**
 * Kafka's Java producer writes snappy in xerial's stream framing (magic, version, then blocks
 * each prefixed by their int32 length); librdkafka writes one raw snappy block. Both occur.
 */
export function decompressSnappyPayload(payload: Buffer): Buffer {
  if (payload.length >= XERIAL_HEADER && payload.subarray(0, 8).equals(XERIAL_MAGIC)) {
    const blocks: Buffer[] = [];
    let at = XERIAL_HEADER;
    while (at < payload.length) {
      if (at + 4 > payload.length) corrupt("snappy: truncated xerial block length");
      const length = payload.readInt32BE(at);
      at += 4;
      if (length < 0 || at + length > payload.length) corrupt("snappy: xerial block overruns the payload");
      blocks.push(decompressSnappyBlock(payload.subarray(at, at + length)));
      at += length;
    }
    return Buffer.concat(blocks);
  }
  return decompressSnappyBlock(payload);
}

/** One raw snappy block: a varint uncompressed length, then literals and back-references. */
export function decompressSnappyBlock(input: Buffer): Buffer {
  let at = 0;
  let length = 0;
  for (let shift = 0; ; shift += 7) {
    if (at >= input.length || shift > 28) corrupt("snappy: bad length preamble");
    const byte = input[at++]!;
    length += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) break;
  }
  const out = Buffer.allocUnsafe(length);
  let written = 0;
  while (at < input.length) {
    const tag = input[at++]!;
    const kind = tag & 0x03;
    if (kind === 0) {
      let literal = tag >>> 2;
      if (literal >= 60) {
        const bytes = literal - 59;
        if (at + bytes > input.length) corrupt("snappy: truncated literal length");
        literal = input.readUIntLE(at, bytes);
        at += bytes;
      }
      literal += 1;
      if (at + literal > input.length || written + literal > length) corrupt("snappy: literal overruns");
      input.copy(out, written, at, at + literal);
      at += literal;
      written += literal;
      continue;
    }
    let copyLength: number;
    let offset: number;
    if (kind === 1) {
      if (at >= input.length) corrupt("snappy: truncated copy");
      copyLength = ((tag >>> 2) & 0x07) + 4;
      offset = ((tag >>> 5) << 8) | input[at++]!;
    } else if (kind === 2) {
      if (at + 2 > input.length) corrupt("snappy: truncated copy");
      copyLength = (tag >>> 2) + 1;
      offset = input.readUInt16LE(at);
      at += 2;
    } else {
      if (at + 4 > input.length) corrupt("snappy: truncated copy");
      copyLength = (tag >>> 2) + 1;
      offset = input.readUInt32LE(at);
      at += 4;
    }
    if (offset === 0 || offset > written || written + copyLength > length) corrupt("snappy: bad back-reference");
    copyWithin(out, written - offset, written, copyLength);
    written += copyLength;
  }
  if (written !== length) corrupt("snappy: output shorter than its preamble");
  return out;
}

/** A back-reference copy, which may overlap its own output (a run). */
function copyWithin(out: Buffer, from: number, to: number, length: number): void {
  if (to - from >= length) {
    out.copy(out, to, from, from + length);
    return;
  }
  for (let i = 0; i < length; i++) out[to + i] = out[from + i]!;
}

// ---- lz4 ----

const LZ4_FRAME_MAGIC = 0x184d2204;

/** Block maximum sizes by the BD byte's size id (4..7). */
const LZ4_BLOCK_MAX = [0, 0, 0, 0, 64 << 10, 256 << 10, 1 << 20, 4 << 20];

/**
 * An LZ4 frame (the format Kafka's producers write into v2 batches): header, blocks that are
 * compressed or stored, an end mark, optional checksums (skipped: the batch CRC covers them).
 */
export function decompressLz4Frame(input: Buffer): Buffer {
  if (input.length < 7 || input.readUInt32LE(0) !== LZ4_FRAME_MAGIC) corrupt("lz4: not an LZ4 frame");
  const flags = input[4]!;
  if (flags >>> 6 !== 1) corrupt("lz4: unsupported frame version");
  const blockChecksum = (flags & 0x10) !== 0;
  const contentSize = (flags & 0x08) !== 0;
  const contentChecksum = (flags & 0x04) !== 0;
  const dictionary = (flags & 0x01) !== 0;
  const blockMax = LZ4_BLOCK_MAX[(input[5]! >>> 4) & 0x07] ?? 0;
  if (blockMax === 0) corrupt("lz4: bad block size id");
  let at = 7 + (contentSize ? 8 : 0) + (dictionary ? 4 : 0);
  // Blocks may reference earlier blocks' output (linked blocks): decode into one window.
  let window = Buffer.allocUnsafe(0);
  let windowUsed = 0;
  for (;;) {
    if (at + 4 > input.length) corrupt("lz4: truncated block size");
    const word = input.readUInt32LE(at);
    at += 4;
    if (word === 0) break;
    const stored = (word & 0x80000000) !== 0;
    const size = word & 0x7fffffff;
    if (at + size > input.length) corrupt("lz4: block overruns the frame");
    const block = input.subarray(at, at + size);
    at += size + (blockChecksum ? 4 : 0);
    if (window.length - windowUsed < blockMax) {
      const grown = Buffer.allocUnsafe(Math.max(window.length * 2, windowUsed + blockMax));
      window.copy(grown, 0, 0, windowUsed);
      window = grown;
    }
    const start = windowUsed;
    if (stored) {
      if (size > blockMax) corrupt("lz4: stored block larger than the block size");
      windowUsed += block.copy(window, windowUsed);
    } else {
      windowUsed = decodeLz4Block(block, window, windowUsed, start + blockMax);
    }
  }
  if (contentChecksum && at + 4 > input.length) corrupt("lz4: truncated content checksum");
  return Buffer.from(window.subarray(0, windowUsed));
}

/** Decodes one LZ4 block into `out` from `written` (earlier bytes are the match window); returns the new end. */
function decodeLz4Block(input: Buffer, out: Buffer, written: number, limit: number): number {
  let at = 0;
  while (at < input.length) {
    const token = input[at++]!;
    let literal = token >>> 4;
    if (literal === 15) {
      let byte: number;
      do {
        if (at >= input.length) corrupt("lz4: truncated literal length");
        byte = input[at++]!;
        literal += byte;
      } while (byte === 255);
    }
    if (at + literal > input.length || written + literal > limit) corrupt("lz4: literal overruns");
    input.copy(out, written, at, at + literal);
    at += literal;
    written += literal;
    if (at >= input.length) break; // the last sequence has literals only
    if (at + 2 > input.length) corrupt("lz4: truncated match offset");
    const offset = input.readUInt16LE(at);
    at += 2;
    let match = (token & 0x0f) + 4;
    if ((token & 0x0f) === 15) {
      let byte: number;
      do {
        if (at >= input.length) corrupt("lz4: truncated match length");
        byte = input[at++]!;
        match += byte;
      } while (byte === 255);
    }
    if (offset === 0 || offset > written || written + match > limit) corrupt("lz4: bad match");
    copyWithin(out, written - offset, written, match);
    written += match;
  }
  return written;
}
