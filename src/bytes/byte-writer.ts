// Builds one response frame as a list of buffers. Small fields go into a growing scratch
// buffer; large byte runs (record batches served by Fetch) are appended by reference, so
// stored batches reach the socket without being copied (one writev for the whole frame).

const TWO_POW_32 = 4294967296;
/** Byte runs at least this long are referenced instead of copied. */
const REFERENCE_THRESHOLD = 4096;
const MIN_SCRATCH = 1024;
const MAX_SCRATCH = 1 << 20;

export class Writer {
  private readonly chunks: Buffer[] = [];
  private scratch: Buffer;
  /** Start of the part of `scratch` not yet pushed to `chunks`. */
  private start = 0;
  private pos = 0;
  private flushedBytes = 0;

  constructor(initialCapacity = MIN_SCRATCH) {
    this.scratch = Buffer.allocUnsafe(Math.max(initialCapacity, 64));
  }

  /** Bytes written so far. */
  get length(): number {
    return this.flushedBytes + (this.pos - this.start);
  }

  private ensure(bytes: number): void {
    if (this.pos + bytes <= this.scratch.length) return;
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

  int64(value: number): void {
    this.ensure(8);
    const high = Math.floor(value / TWO_POW_32);
    this.scratch.writeInt32BE(high, this.pos);
    this.scratch.writeUInt32BE(value - high * TWO_POW_32, this.pos + 4);
    this.pos += 8;
  }

  float64(value: number): void {
    this.ensure(8);
    this.scratch.writeDoubleBE(value, this.pos);
    this.pos += 8;
  }

  unsignedVarint(value: number): void {
    this.ensure(5);
    let v = value;
    while (v >= 0x80) {
      this.scratch[this.pos++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.scratch[this.pos++] = v;
  }

  varint(value: number): void {
    this.unsignedVarint(((value << 1) ^ (value >> 31)) >>> 0);
  }

  string(value: string, byteLength: number): void {
    this.ensure(byteLength);
    this.scratch.write(value, this.pos, byteLength, "utf8");
    this.pos += byteLength;
  }

  bytes(value: Buffer): void {
    if (value.length >= REFERENCE_THRESHOLD) {
      this.flushScratch();
      this.chunks.push(value);
      this.flushedBytes += value.length;
      return;
    }
    this.ensure(value.length);
    value.copy(this.scratch, this.pos);
    this.pos += value.length;
  }

  /** Reserves an int32 whose value is known only later (a size prefix); returns its handle. */
  reserveInt32(): { buffer: Buffer; offset: number } {
    this.ensure(4);
    const handle = { buffer: this.scratch, offset: this.pos };
    this.pos += 4;
    return handle;
  }

  /** The written bytes, in order. The writer must not be used afterwards. */
  finish(): Buffer[] {
    this.flushScratch();
    return this.chunks;
  }
}
