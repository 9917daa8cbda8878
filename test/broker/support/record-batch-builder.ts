// Builds record batches v2 the way a producer does, for tests that produce raw bytes.
import { gzipSync } from "node:zlib";
import { crc32c } from "../../../src/bytes/crc32c.js";

export interface TestRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers?: { key: string; value: Buffer | null }[];
  timestamp?: number;
}

function zigzag(value: number): number {
  return value >= 0 ? value * 2 : -value * 2 - 1;
}

function varint(value: number): Buffer {
  const out: number[] = [];
  let v = zigzag(value);
  while (v >= 0x80) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return Buffer.from(out);
}

function field(bytes: Buffer | null): Buffer {
  return bytes === null ? varint(-1) : Buffer.concat([varint(bytes.length), bytes]);
}

function encodeRecord(record: TestRecord, offsetDelta: number, timestampDelta: number): Buffer {
  const headers = record.headers ?? [];
  const body = Buffer.concat([
    Buffer.from([0]),
    varint(timestampDelta),
    varint(offsetDelta),
    field(record.key),
    field(record.value),
    varint(headers.length),
    ...headers.map((h) => Buffer.concat([field(Buffer.from(h.key)), field(h.value)])),
  ]);
  return Buffer.concat([varint(body.length), body]);
}

export interface BatchOptions {
  compression?: "none" | "gzip";
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  transactional?: boolean;
  attributes?: number;
}

/** The record bytes of a batch (what a codec compresses), for tests that compress or damage them. */
export function encodeRecords(records: TestRecord[]): Buffer {
  const baseTimestamp = records[0]?.timestamp ?? Date.now();
  return Buffer.concat(records.map((r, i) => encodeRecord(r, i, (r.timestamp ?? baseTimestamp) - baseTimestamp)));
}

/** A batch declaring `count` records whose payload is `payload` as given (compressed or not, valid or not). */
export function batchWithPayload(count: number, payload: Buffer, attributes: number): Buffer {
  const now = Date.now();
  const header = Buffer.alloc(61);
  header.writeInt32BE(61 - 12 + payload.length, 8);
  header.writeInt32BE(-1, 12);
  header.writeInt8(2, 16);
  header.writeInt16BE(attributes, 21);
  header.writeInt32BE(count - 1, 23);
  header.writeBigInt64BE(BigInt(now), 27);
  header.writeBigInt64BE(BigInt(now), 35);
  header.writeBigInt64BE(-1n, 43);
  header.writeInt16BE(-1, 51);
  header.writeInt32BE(-1, 53);
  header.writeInt32BE(count, 57);
  const batch = Buffer.concat([header, payload]);
  batch.writeUInt32BE(crc32c(batch, 21, batch.length), 17);
  return batch;
}

export function buildBatch(records: TestRecord[], options: BatchOptions = {}): Buffer {
  const baseTimestamp = records[0]?.timestamp ?? Date.now();
  const maxTimestamp = Math.max(...records.map((r) => r.timestamp ?? baseTimestamp));
  let body = encodeRecords(records);
  let attributes = (options.attributes ?? 0) | (options.transactional ? 0x10 : 0);
  if (options.compression === "gzip") {
    body = gzipSync(body);
    attributes |= 1;
  }
  const header = Buffer.alloc(61);
  header.writeBigInt64BE(0n, 0);
  header.writeInt32BE(61 - 12 + body.length, 8);
  header.writeInt32BE(-1, 12);
  header.writeInt8(2, 16);
  header.writeInt16BE(attributes, 21);
  header.writeInt32BE(records.length - 1, 23);
  header.writeBigInt64BE(BigInt(baseTimestamp), 27);
  header.writeBigInt64BE(BigInt(maxTimestamp), 35);
  header.writeBigInt64BE(BigInt(options.producerId ?? -1), 43);
  header.writeInt16BE(options.producerEpoch ?? -1, 51);
  header.writeInt32BE(options.baseSequence ?? -1, 53);
  header.writeInt32BE(records.length, 57);
  const batch = Buffer.concat([header, body]);
  batch.writeUInt32BE(crc32c(batch, 21, batch.length), 17);
  return batch;
}
