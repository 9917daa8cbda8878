// Encodes the body of a Produce request (versions 3 to 7, which share their layout, and the
// flexible 9 to 12, which write the same fields in compact form) with uncompressed v2 record
// batches, in one pass over a buffer sized up front. kafkajs'
// own encoder builds an Encoder object per record and per header and copies every
// record several times; producing is most of what a stream processor's CPU does, so
// this encoder writes the same bytes kafkajs would (the tests compare them) at a
// fraction of the cost. It takes kafkajs' request arguments as they are, so the
// sequence numbers, producer id and epoch still come from kafkajs' idempotence and
// transaction manager.
//
//   transactional_id nullable string, acks i16, timeout i32,
//   [topic string, [partition i32, record_set bytes]]
//   (9+: request header v2's tags first; compact strings, arrays and bytes; a tag section
//   after each partition, each topic and the body. v12 asks the partition leader to add the
//   partition to the transaction itself: transactions v2, KIP-890.)
//   record batch: base_offset i64 (0), length i32, leader_epoch i32 (0), magic i8 (2),
//     crc u32 (CRC-32C from attributes on), attributes i16, last_offset_delta i32,
//     first_timestamp i64, max_timestamp i64, producer_id i64, producer_epoch i16,
//     base_sequence i32, count i32, records
//   record: length varint, attributes i8 (0), timestamp_delta varlong, offset_delta
//     varint, key varbytes, value varbytes, [header key varstring, value varbytes]
import { ByteWriter, varintSize, varlongSize, writeVarintAt, writeVarlongAt } from "../../bytes/byte-writer.js";
import { crc32c } from "../../bytes/crc32c.js";
import { unsignedVarintSize } from "./flexible.js";

/** The first flexible Produce version. */
export const PRODUCE_FLEXIBLE_VERSION = 9;

type Bytes = Buffer | string | null | undefined;

export interface ProduceMessage {
  key?: Bytes;
  value?: Bytes;
  timestamp?: string | number;
  /** kafkajs' by-key form, or the record format's ordered list. */
  headers?: Record<string, Bytes | Bytes[]> | ReadonlyArray<{ readonly key: string; readonly value: Buffer | null }>;
}

export interface ProducePartitionData {
  partition: number;
  firstSequence?: number;
  messages: ProduceMessage[];
}

export interface ProduceRequestArgs {
  transactionalId?: string | null;
  acks: number;
  timeout: number;
  producerId?: number | string | bigint | { toString(): string };
  producerEpoch?: number;
  topicData: Array<{ topic: string; partitions: ProducePartitionData[] }>;
}

const TRANSACTIONAL = 0x10;
const BATCH_HEADER = 61;

function byteLength(bytes: Bytes): number {
  if (bytes === null || bytes === undefined) return -1;
  return typeof bytes === "string" ? Buffer.byteLength(bytes, "utf8") : bytes.length;
}

function bigintOf(value: ProduceRequestArgs["producerId"]): bigint {
  if (value === undefined) return -1n;
  if (typeof value === "bigint") return value;
  return BigInt(String(value));
}

type PreparedHeaders = Array<[string, number, Bytes, number]>;

/**
 * A batch's records measured: per record its body, key and value sizes (`sizes`, three
 * apiece) and timestamp delta, in typed arrays rather than an object per record, and its
 * headers (undefined when no record has any).
 */
interface PreparedBatch {
  sizes: Int32Array;
  timestampDeltas: Float64Array;
  headers: PreparedHeaders[] | undefined;
  size: number;
}

const NO_HEADERS: PreparedHeaders = [];

/** Adds a header to the list, returning the bytes it takes in the record. */
function addHeader(headers: PreparedHeaders, name: string, value: Bytes): number {
  const nameSize = Buffer.byteLength(name, "utf8");
  const valueSize = byteLength(value);
  headers.push([name, nameSize, value, valueSize]);
  return varintSize(nameSize) + nameSize + varintSize(valueSize) + Math.max(0, valueSize);
}

function hasHeaders(headers: ProduceMessage["headers"]): boolean {
  if (headers === undefined || headers === null) return false;
  if (Array.isArray(headers)) return headers.length > 0;
  for (const _ in headers) return true;
  return false;
}

function prepare(messages: ProduceMessage[], firstTimestamp: number): PreparedBatch {
  const count = messages.length;
  const sizes = new Int32Array(count * 3);
  const timestampDeltas = new Float64Array(count);
  let headerLists: PreparedHeaders[] | undefined;
  let size = 0;
  for (let i = 0; i < count; i += 1) {
    const m = messages[i] as ProduceMessage;
    const keySize = byteLength(m.key);
    const valueSize = byteLength(m.value);
    const timestampDelta = m.timestamp === undefined || m.timestamp === null ? 0 : Number(m.timestamp) - firstTimestamp;
    let headers = NO_HEADERS;
    let headersSize = 0;
    if (hasHeaders(m.headers)) {
      headers = [];
      if (Array.isArray(m.headers)) {
        for (const header of m.headers as ReadonlyArray<{ key: string; value: Buffer | null }>) {
          headersSize += addHeader(headers, header.key, header.value);
        }
      } else {
        const byKey = m.headers as Record<string, Bytes | Bytes[]>;
        for (const name of Object.keys(byKey)) {
          const value = byKey[name];
          if (Array.isArray(value)) for (const v of value) headersSize += addHeader(headers, name, v);
          else headersSize += addHeader(headers, name, value);
        }
      }
      headerLists ??= new Array<PreparedHeaders>(count).fill(NO_HEADERS);
      headerLists[i] = headers;
    }
    const bodySize =
      1 +
      varlongSize(timestampDelta) +
      varintSize(i) +
      varintSize(keySize) +
      Math.max(0, keySize) +
      varintSize(valueSize) +
      Math.max(0, valueSize) +
      varintSize(headers.length) +
      headersSize;
    sizes[i * 3] = bodySize;
    sizes[i * 3 + 1] = keySize;
    sizes[i * 3 + 2] = valueSize;
    timestampDeltas[i] = timestampDelta;
    size += varintSize(bodySize) + bodySize;
  }
  return { sizes, timestampDeltas, headers: headerLists, size };
}

/**
 * The Produce request body (after the request header kafkajs writes, header v1), for versions
 * 3 to 7 and 9 to 12 (`version`, 3 unless given: 3 to 7 are the same bytes).
 */
export function encodeProduceRequest(args: ProduceRequestArgs, now: number = Date.now(), version = 3): Buffer {
  const flexible = version >= PRODUCE_FLEXIBLE_VERSION;
  const transactionalId = args.transactionalId ?? null;
  const producerId = bigintOf(args.producerId);
  const producerEpoch = args.producerEpoch ?? 0;
  const attributes = transactionalId === null ? 0 : TRANSACTIONAL;
  const idSize = transactionalId === null ? -1 : Buffer.byteLength(transactionalId, "utf8");
  let size = flexible
    ? 1 +
      unsignedVarintSize(idSize + 1) +
      Math.max(0, idSize) +
      2 +
      4 +
      unsignedVarintSize(args.topicData.length + 1) +
      1
    : 2 + Math.max(0, idSize) + 2 + 4 + 4;
  const plans = args.topicData.map(({ topic, partitions }) => {
    const topicSize = Buffer.byteLength(topic, "utf8");
    size += flexible
      ? unsignedVarintSize(topicSize + 1) + topicSize + unsignedVarintSize(partitions.length + 1) + 1
      : 2 + topicSize + 4;
    return {
      topic,
      topicSize,
      partitions: partitions.map((data) => {
        let first = Number.POSITIVE_INFINITY;
        let max = Number.NEGATIVE_INFINITY;
        let timestamps = 0;
        for (const m of data.messages) {
          if (m.timestamp === undefined || m.timestamp === null) continue;
          const t = Number(m.timestamp);
          timestamps += 1;
          if (t < first) first = t;
          if (t > max) max = t;
        }
        // As kafkajs: records without a timestamp get the time of sending.
        if (timestamps < data.messages.length) {
          if (now < first) first = now;
          if (now > max) max = now;
        }
        const withDefaults =
          timestamps < data.messages.length
            ? data.messages.map((m) =>
                m.timestamp === undefined || m.timestamp === null ? { ...m, timestamp: now } : m,
              )
            : data.messages;
        const prepared = prepare(withDefaults, first);
        const recordsSize = BATCH_HEADER + prepared.size;
        size += flexible ? 4 + unsignedVarintSize(recordsSize + 1) + recordsSize + 1 : 4 + 4 + recordsSize;
        return { data, first, max, prepared };
      }),
    };
  });
  const w = ByteWriter.sized(size);
  if (flexible) {
    w.unsignedVarint(0); // request header v2's tagged fields
    w.unsignedVarint(idSize + 1);
    if (transactionalId !== null) w.string(transactionalId, idSize);
  } else writeNullableString(w, transactionalId);
  w.int16(args.acks);
  w.int32(args.timeout);
  writeLength(w, plans.length, flexible);
  for (const plan of plans) {
    if (flexible) w.unsignedVarint(plan.topicSize + 1);
    else w.int16(plan.topicSize);
    w.string(plan.topic, plan.topicSize);
    writeLength(w, plan.partitions.length, flexible);
    for (const { data, first, max, prepared } of plan.partitions) {
      const count = data.messages.length;
      w.int32(data.partition);
      writeLength(w, BATCH_HEADER + prepared.size, flexible);
      w.int64(0);
      w.int32(BATCH_HEADER - 12 + prepared.size);
      w.int32(0);
      w.int8(2);
      const crc = w.reserveInt32();
      const crcFrom = w.length;
      w.int16(attributes);
      w.int32(count - 1);
      w.int64(first);
      w.int64(max);
      w.bigInt64(producerId);
      w.int16(producerEpoch);
      w.int32(data.firstSequence ?? 0);
      w.int32(count);
      const records = w.reserve(prepared.size);
      const end = writeRecords(records.buffer, records.offset, data.messages, prepared);
      if (end !== records.offset + prepared.size) {
        throw new RangeError(`a batch measured ${prepared.size} bytes of records took ${end - records.offset}`);
      }
      crc.buffer.writeUInt32BE(crc32c(crc.buffer, crcFrom, w.length), crc.offset);
      if (flexible) w.unsignedVarint(0);
    }
    if (flexible) w.unsignedVarint(0);
  }
  if (flexible) w.unsignedVarint(0);
  return w.toBuffer();
}

/** An array's or a byte run's length: int32, or compact (n + 1) in flexible versions. */
function writeLength(w: ByteWriter, length: number, flexible: boolean): void {
  if (flexible) w.unsignedVarint(length + 1);
  else w.int32(length);
}

function writeNullableString(w: ByteWriter, value: string | null): void {
  if (value === null) {
    w.int16(-1);
    return;
  }
  const size = Buffer.byteLength(value, "utf8");
  w.int16(size);
  w.string(value, size);
}

/**
 * A batch's records as prepare() measured them, written from `offset` on with local offsets
 * (a count's records are a few small fields and two short byte runs each); returns where they end.
 */
function writeRecords(buffer: Buffer, offset: number, messages: ProduceMessage[], prepared: PreparedBatch): number {
  const { sizes, timestampDeltas, headers } = prepared;
  let at = offset;
  for (let i = 0; i < messages.length; i += 1) {
    const m = messages[i] as ProduceMessage;
    at = writeVarintAt(buffer, at, sizes[i * 3] as number);
    buffer[at++] = 0; // attributes
    at = writeVarlongAt(buffer, at, timestampDeltas[i] as number);
    at = writeVarintAt(buffer, at, i);
    at = writeVarBytesAt(buffer, at, m.key, sizes[i * 3 + 1] as number);
    at = writeVarBytesAt(buffer, at, m.value, sizes[i * 3 + 2] as number);
    const list = headers?.[i] ?? NO_HEADERS;
    at = writeVarintAt(buffer, at, list.length);
    for (const [name, nameSize, value, valueSize] of list) {
      at = writeVarintAt(buffer, at, nameSize);
      at += buffer.write(name, at, nameSize, "utf8");
      at = writeVarBytesAt(buffer, at, value, valueSize);
    }
  }
  return at;
}

/** Byte runs up to this long are copied byte by byte: a call to Buffer's copy costs more. */
const SHORT_COPY = 32;

/** The record format's bytes at `offset`: a varint length (-1 for null), then the bytes. */
function writeVarBytesAt(buffer: Buffer, offset: number, bytes: Bytes, size: number): number {
  const at = writeVarintAt(buffer, offset, size);
  if (bytes === null || bytes === undefined) return at;
  if (typeof bytes === "string") return at + buffer.write(bytes, at, size, "utf8");
  if (size <= SHORT_COPY) {
    for (let j = 0; j < size; j += 1) buffer[at + j] = bytes[j] as number;
  } else buffer.set(bytes, at);
  return at + size;
}
