// Reads Kafka's wire primitives from one request frame. Every read is bounds-checked:
// a frame that ends early throws a MalformedFrameError, which costs the client its
// connection and never the broker its life.
import { MalformedFrameError } from "./errors.js";

const TWO_POW_32 = 4294967296;

export class Reader {
  offset: number;

  constructor(
    readonly buffer: Buffer,
    offset = 0,
    private readonly end = buffer.length,
  ) {
    this.offset = offset;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  private need(bytes: number): number {
    const at = this.offset;
    if (bytes < 0 || at + bytes > this.end) {
      throw new MalformedFrameError(`frame ends early: need ${bytes} bytes at ${at}, frame has ${this.end}`);
    }
    this.offset = at + bytes;
    return at;
  }

  int8(): number {
    return this.buffer.readInt8(this.need(1));
  }

  bool(): boolean {
    return this.buffer[this.need(1)] !== 0;
  }

  int16(): number {
    return this.buffer.readInt16BE(this.need(2));
  }

  uint16(): number {
    return this.buffer.readUInt16BE(this.need(2));
  }

  int32(): number {
    return this.buffer.readInt32BE(this.need(4));
  }

  /** int64 as a JS number: exact for every offset, timestamp and id below 2^53. */
  int64(): number {
    const at = this.need(8);
    return this.buffer.readInt32BE(at) * TWO_POW_32 + this.buffer.readUInt32BE(at + 4);
  }

  float64(): number {
    return this.buffer.readDoubleBE(this.need(8));
  }

  uuid(): Buffer {
    const at = this.need(16);
    return this.buffer.subarray(at, at + 16);
  }

  unsignedVarint(): number {
    let value = 0;
    let multiplier = 1;
    for (let i = 0; i < 5; i++) {
      const byte = this.buffer[this.need(1)]!;
      value += (byte & 0x7f) * multiplier;
      if ((byte & 0x80) === 0) return value;
      multiplier *= 128;
    }
    throw new MalformedFrameError("unsigned varint longer than 5 bytes");
  }

  /** Zig-zag encoded signed varint (record fields). */
  varint(): number {
    const raw = this.unsignedVarint();
    return (raw >>> 1) ^ -(raw & 1);
  }

  /** Zig-zag encoded signed varlong, exact below 2^53. */
  varlong(): number {
    let value = 0;
    let multiplier = 1;
    for (let i = 0; ; i++) {
      if (i >= 10) throw new MalformedFrameError("varlong longer than 10 bytes");
      const byte = this.buffer[this.need(1)]!;
      value += (byte & 0x7f) * multiplier;
      if ((byte & 0x80) === 0) break;
      multiplier *= 128;
    }
    // zig-zag: even -> value/2, odd -> -(value+1)/2
    return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
  }

  bytes(length: number): Buffer {
    const at = this.need(length);
    return this.buffer.subarray(at, at + length);
  }

  string(length: number): string {
    const at = this.need(length);
    return this.buffer.toString("utf8", at, at + length);
  }

  skip(length: number): void {
    this.need(length);
  }
}
