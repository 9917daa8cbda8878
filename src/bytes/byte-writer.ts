// Writes Kafka's wire primitives, in one of two ways:
//
//  - growing (`new ByteWriter()`): small fields go into a scratch buffer that grows as
//    needed; large byte runs (record batches served by Fetch) are appended by reference, so
//    stored batches reach the socket without being copied (one writev for the whole frame).
//  - sized (`ByteWriter.sized(n)`): the caller computed the exact size first and gets one
//    contiguous buffer, nothing referenced, no growth (a record batch, whose CRC covers
//    the bytes as written: the client's Produce encoder, a hot path).

const TWO_POW_32 = 4294967296;
/** Byte runs at least this long are referenced instead of copied (growing writers only). */
const REFERENCE_THRESHOLD = 4096;
const MIN_SCRATCH = 1024;
const MAX_SCRATCH = 1 << 20;
/** A varlong's worst case: what a sized writer may reserve beyond its last byte. */
const SIZED_SLACK = 10;

/** Bytes of a zig-zag varint (32-bit). */
export function varintSize(value: number): number {
  let z = ((value << 1) ^ (value >> 31)) >>> 0;
  let size = 1;
  while (z > 0x7f) {
    z >>>= 7;
    size += 1;
  }
  return size;
}

/** Bytes of a zig-zag varlong, exact below 2^53. */
export function varlongSize(value: number): number {
  if (value >= -0x40000000 && value < 0x40000000) return varintSize(value);
  let z = value >= 0 ? value * 2 : -value * 2 - 1;
  let size = 1;
  while (z >= 128) {
    z = Math.floor(z / 128);
    size += 1;
  }
  return size;
}

/** Writes Kafka's unsigned varint (32-bit) at `offset`; returns the offset after it. The caller made room. */
export function writeUnsignedVarintAt(buffer: Buffer, offset: number, value: number): number {
  let at = offset;
  let v = value >>> 0;
  while (v > 0x7f) {
    buffer[at++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  buffer[at++] = v;
  return at;
}

/** Writes a zig-zag varint (record fields) at `offset`; returns the offset after it. */
export function writeVarintAt(buffer: Buffer, offset: number, value: number): number {
  return writeUnsignedVarintAt(buffer, offset, (value << 1) ^ (value >> 31));
}

/** Writes a zig-zag varlong, exact below 2^53 (timestamp deltas), at `offset`; returns the offset after it. */
export function writeVarlongAt(buffer: Buffer, offset: number, value: number): number {
  if (value >= -0x40000000 && value < 0x40000000)
    return writeUnsignedVarintAt(buffer, offset, (value << 1) ^ (value >> 31));
  let at = offset;
  let z = value >= 0 ? value * 2 : -value * 2 - 1;
  while (z >= 128) {
    buffer[at++] = (z % 128) | 0x80;
    z = Math.floor(z / 128);
  }
  buffer[at++] = z;
  return at;
}

export class ByteWriter {
  private readonly chunks: Buffer[] = [];
  private scratch: Buffer;
  /** Start of the part of `scratch` not yet pushed to `chunks`. */
  private start = 0;
  private pos = 0;
  private flushedBytes = 0;
  private referenceThreshold = REFERENCE_THRESHOLD;
  /** The exact size of a sized writer; undefined for a growing one. */
  private sizedTo: number | undefined;

  constructor(initialCapacity = MIN_SCRATCH) {
    this.scratch = Buffer.allocUnsafe(Math.max(initialCapacity, 64));
  }

  /** A writer of exactly `size` bytes into one buffer: writing more or less is a bug and throws. */
  static sized(size: number): ByteWriter {
    const writer = new ByteWriter(0);
    // Slack for the worst-case reservation of a varint written last; toBuffer() checks the size.
    writer.scratch = Buffer.allocUnsafe(size + SIZED_SLACK);
    writer.referenceThreshold = Number.POSITIVE_INFINITY;
    writer.sizedTo = size;
    return writer;
  }

  /** Bytes written so far (for a sized writer, also the position in its buffer). */
  get length(): number {
    return this.flushedBytes + (this.pos - this.start);
  }

  private ensure(bytes: number): void {
    if (this.pos + bytes <= this.scratch.length) return;
    this.grow(bytes);
  }

  private grow(bytes: number): void {
    if (this.sizedTo !== undefined) {
      throw new RangeError(`a writer sized ${this.sizedTo} bytes was asked for ${this.pos + bytes}`);
    }
    this.flushScratch();
    const size = Math.min(Math.max(this.scratch.length * 2, bytes, MIN_SCRATCH), Math.max(MAX_SCRATCH, bytes));
    this.scratch = Buffer.allocUnsafe(size);
    this.start = 0;
    this.pos = 0;
  }

  private flushScratch(): void {
    if (this.pos > this.start) {
      this.chunks.push(this.scratch.subarray(this.start, this.pos));
      this.flushedBytes += this.pos - this.start;
      this.start = this.pos;
    }
  }

  int8(value: number): void {
    this.ensure(1);
    this.scratch.writeInt8(value, this.pos);
    this.pos += 1;
  }

  uint8(value: number): void {
    this.ensure(1);
    this.scratch.writeUInt8(value, this.pos);
    this.pos += 1;
  }

  bool(value: boolean): void {
    this.ensure(1);
    this.scratch[this.pos++] = value ? 1 : 0;
  }

  int16(value: number): void {
    this.ensure(2);
    this.scratch.writeInt16BE(value, this.pos);
    this.pos += 2;
  }

  uint16(value: number): void {
    this.ensure(2);
    this.scratch.writeUInt16BE(value, this.pos);
    this.pos += 2;
  }

  int32(value: number): void {
    this.ensure(4);
    this.scratch.writeInt32BE(value, this.pos);
    this.pos += 4;
  }

  uint32(value: number): void {
    this.ensure(4);
    this.scratch.writeUInt32BE(value, this.pos);
    this.pos += 4;
  }

  /** int64 from a JS number: exact below 2^53 (offsets, timestamps, counts). */
  int64(value: number): void {
    this.ensure(8);
    const high = Math.floor(value / TWO_POW_32);
    this.scratch.writeInt32BE(high, this.pos);
    this.scratch.writeUInt32BE(value - high * TWO_POW_32, this.pos + 4);
    this.pos += 8;
  }

  /** int64 over its whole range (producer ids as the coordinator gave them). */
  bigInt64(value: bigint): void {
    this.ensure(8);
    this.scratch.writeBigInt64BE(value, this.pos);
    this.pos += 8;
  }

  float64(value: number): void {
    this.ensure(8);
    this.scratch.writeDoubleBE(value, this.pos);
    this.pos += 8;
  }

  /** Kafka's unsigned varint: 32-bit, at most 5 bytes. */
  unsignedVarint(value: number): void {
    this.ensure(5);
    this.pos = writeUnsignedVarintAt(this.scratch, this.pos, value);
  }

  /** Zig-zag encoded signed varint (record fields). */
  varint(value: number): void {
    this.ensure(5);
    this.pos = writeVarintAt(this.scratch, this.pos, value);
  }

  /** Zig-zag encoded signed varlong, exact below 2^53 (timestamp deltas). */
  varlong(value: number): void {
    this.ensure(10);
    this.pos = writeVarlongAt(this.scratch, this.pos, value);
  }

  /** The UTF-8 bytes of `value`, whose byte length the caller has (it wrote it as a prefix). */
  string(value: string, byteLength: number): void {
    this.ensure(byteLength);
    this.pos += this.scratch.write(value, this.pos, byteLength, "utf8");
  }

  bytes(value: Buffer): void {
    const length = value.length;
    if (length >= this.referenceThreshold) {
      this.flushScratch();
      this.chunks.push(value);
      this.flushedBytes += length;
      return;
    }
    this.ensure(length);
    value.copy(this.scratch, this.pos);
    this.pos += length;
  }

  /** Reserves an int32 whose value is known only later (a size prefix, a CRC); returns where it is. */
  reserveInt32(): { buffer: Buffer; offset: number } {
    return this.reserve(4);
  }

  /**
   * Reserves `bytes` contiguous bytes for the caller to fill itself (all of them): where they
   * are. For a run of many small fields, written with local offsets rather than a call apiece.
   */
  reserve(bytes: number): { buffer: Buffer; offset: number } {
    this.ensure(bytes);
    const handle = { buffer: this.scratch, offset: this.pos };
    this.pos += bytes;
    return handle;
  }

  /** The written bytes, in order. The writer must not be used afterwards. */
  finish(): Buffer[] {
    this.flushScratch();
    return this.chunks;
  }

  /** The written bytes as one buffer: a sized writer's own (which must be full), else a copy of the chunks. */
  toBuffer(): Buffer {
    if (this.sizedTo !== undefined) {
      if (this.pos !== this.sizedTo) throw new RangeError(`a writer sized ${this.sizedTo} bytes got ${this.pos}`);
      return this.scratch.subarray(0, this.pos);
    }
    const chunks = this.finish();
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, this.flushedBytes);
  }
}
