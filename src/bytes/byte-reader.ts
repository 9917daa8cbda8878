// Reads Kafka's wire primitives (big-endian integers, varints, the record format's
// varbytes) from a buffer, between an offset and an end. Every read is bounds-checked:
// bytes that end early throw a MalformedFrameError, which costs a peer its connection
// (broker) or fails one response (client), never the process its life. The same reader
// serves the broker's request frames, the client's Fetch decoder (a hot path: the common
// one-byte varint and fixed-width reads are a compare and a load) and the group protocol's
// user data.
import { MalformedFrameError } from "./errors.js";

const TWO_POW_28 = 268435456;
const TWO_POW_32 = 4294967296;

export class ByteReader {
  /** Where the next read starts. */
  offset: number;
  /** Where the readable bytes end (exclusive); may be narrowed to one record and widened again. */
  end: number;

  /** `what` names the bytes in errors: "frame", "record batch", "group protocol user data". */
  constructor(
    readonly buffer: Buffer,
    offset = 0,
    end = buffer.length,
    private readonly what = "frame",
  ) {
    this.offset = offset;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  private fail(bytes: number, at: number): never {
    throw new MalformedFrameError(`${this.what} ends early: need ${bytes} bytes at ${at}, it ends at ${this.end}`);
  }

  private need(bytes: number): number {
    const at = this.offset;
    if (bytes < 0 || at + bytes > this.end) this.fail(bytes, at);
    this.offset = at + bytes;
    return at;
  }

  int8(): number {
    return this.buffer.readInt8(this.need(1));
  }

  uint8(): number {
    return this.buffer[this.need(1)]!;
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

  uint32(): number {
    return this.buffer.readUInt32BE(this.need(4));
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

  /** At most 5 bytes (Kafka's unsigned varint is 32-bit). */
  unsignedVarint(): number {
    const buffer = this.buffer;
    const end = this.end;
    let at = this.offset;
    let value = 0;
    // The first four bytes fit 28 bits: integer shifts, no floating point.
    for (let shift = 0; shift < 28; shift += 7) {
      if (at >= end) this.fail(1, at);
      const byte = buffer[at++]!;
      value |= (byte & 0x7f) << shift;
      if (byte < 0x80) {
        this.offset = at;
        return value;
      }
    }
    if (at >= end) this.fail(1, at);
    const byte = buffer[at++]!;
    if (byte >= 0x80) throw new MalformedFrameError("unsigned varint longer than 5 bytes");
    this.offset = at;
    return value + byte * TWO_POW_28;
  }

  /** Zig-zag encoded signed varint (record fields). */
  varint(): number {
    const raw = this.unsignedVarint();
    return (raw >>> 1) ^ -(raw & 1);
  }

  /** Zig-zag encoded signed varlong, exact below 2^53. */
  varlong(): number {
    const buffer = this.buffer;
    let value = 0;
    let multiplier = 1;
    for (let i = 0; ; i++) {
      if (i >= 10) throw new MalformedFrameError("varlong longer than 10 bytes");
      const at = this.offset;
      if (at >= this.end) this.fail(1, at);
      const byte = buffer[at]!;
      this.offset = at + 1;
      value += (byte & 0x7f) * multiplier;
      if (byte < 0x80) break;
      multiplier *= 128;
    }
    // zig-zag: even -> value/2, odd -> -(value+1)/2
    return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
  }

  /** `length` bytes, as a view of the buffer (not a copy). */
  bytes(length: number): Buffer {
    const at = this.need(length);
    return this.buffer.subarray(at, at + length);
  }

  /** The record format's bytes: a varint length, then the bytes; a negative length is null. */
  varbytes(): Buffer | null {
    const length = this.varint();
    if (length < 0) return null;
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
