import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { crc32c } from "../../../src/bytes/crc32c.js";
import { xxhash32 } from "../../../src/bytes/xxhash32.js";
import { decodeFetchResponseV11 } from "../../../src/kafka/wire/fetch-response-decoder.js";
import { FetchedRecord } from "../../../src/kafka/wire/fetched-record.js";

// Builders for the wire format the decoder reads (Kafka's RecordBatch v2, FetchResponse v11).
function varint(n: number): Buffer {
  let z = (n << 1) ^ (n >> 31);
  const bytes: number[] = [];
  z >>>= 0;
  while (z > 0x7f) {
    bytes.push((z & 0x7f) | 0x80);
    z >>>= 7;
  }
  bytes.push(z);
  return Buffer.from(bytes);
}

function varbytes(b: Buffer | null): Buffer {
  return b === null ? varint(-1) : Buffer.concat([varint(b.length), b]);
}

interface RecordSpec {
  key: string | null;
  value: string | null;
  headers?: Array<[string, string | null]>;
  timestampDelta?: number;
}

function batch(options: {
  baseOffset: number;
  records: RecordSpec[];
  producerId?: number;
  transactional?: boolean;
  control?: "commit" | "abort";
  /** The codec id and what it makes of the records' bytes. */
  compression?: { codec: number; encode: (records: Buffer) => Buffer };
  firstTimestamp?: number;
}): Buffer {
  const records =
    options.control === undefined
      ? options.records.map((r, i) => {
          const body = Buffer.concat([
            Buffer.from([0]),
            varint(r.timestampDelta ?? i),
            varint(i),
            varbytes(r.key === null ? null : Buffer.from(r.key)),
            varbytes(r.value === null ? null : Buffer.from(r.value)),
            varint(r.headers?.length ?? 0),
            ...(r.headers ?? []).flatMap(([k, v]) => [
              varint(Buffer.byteLength(k)),
              Buffer.from(k),
              varbytes(v === null ? null : Buffer.from(v)),
            ]),
          ]);
          return Buffer.concat([varint(body.length), body]);
        })
      : [
          (() => {
            const key = Buffer.alloc(4);
            key.writeInt16BE(0, 0);
            key.writeInt16BE(options.control === "commit" ? 1 : 0, 2);
            const body = Buffer.concat([
              Buffer.from([0]),
              varint(0),
              varint(0),
              varbytes(key),
              varbytes(Buffer.alloc(6)),
              varint(0),
            ]);
            return Buffer.concat([varint(body.length), body]);
          })(),
        ];
  const count = records.length;
  let attributes = 0;
  if (options.compression) attributes |= options.compression.codec;
  if (options.transactional || options.control) attributes |= 0x10;
  if (options.control) attributes |= 0x20;
  const afterLength = Buffer.alloc(49);
  afterLength.writeInt32BE(0, 0); // leader epoch
  afterLength.writeInt8(2, 4); // magic
  afterLength.writeInt16BE(attributes, 9);
  afterLength.writeInt32BE(count - 1, 11);
  afterLength.writeBigInt64BE(BigInt(options.firstTimestamp ?? 1_000), 15);
  afterLength.writeBigInt64BE(BigInt(options.firstTimestamp ?? 1_000), 23);
  afterLength.writeBigInt64BE(BigInt(options.producerId ?? -1), 31);
  afterLength.writeInt16BE(0, 39);
  afterLength.writeInt32BE(0, 41);
  afterLength.writeInt32BE(count, 45);
  const payload = Buffer.concat(records);
  const body = Buffer.concat([afterLength, options.compression ? options.compression.encode(payload) : payload]);
  body.writeUInt32BE(crc32c(body, 9), 5); // from the attributes on
  const head = Buffer.alloc(12);
  head.writeBigInt64BE(BigInt(options.baseOffset), 0);
  head.writeInt32BE(body.length, 8);
  return Buffer.concat([head, body]);
}

function response(
  topic: string,
  partition: number,
  records: Buffer,
  aborted: Array<[number, number]> = [],
  lso = 100,
): Buffer {
  const name = Buffer.from(topic);
  const parts: Buffer[] = [];
  const head = Buffer.alloc(4 + 2 + 4 + 4);
  head.writeInt32BE(0, 0);
  head.writeInt16BE(0, 4);
  head.writeInt32BE(0, 6);
  head.writeInt32BE(1, 10);
  parts.push(head);
  const topicHead = Buffer.alloc(2);
  topicHead.writeInt16BE(name.length);
  parts.push(topicHead, name);
  const p = Buffer.alloc(4 + 4 + 2 + 8 + 8 + 8 + 4);
  p.writeInt32BE(1, 0);
  p.writeInt32BE(partition, 4);
  p.writeInt16BE(0, 8);
  p.writeBigInt64BE(BigInt(lso), 10);
  p.writeBigInt64BE(BigInt(lso), 18);
  p.writeBigInt64BE(0n, 26);
  p.writeInt32BE(aborted.length, 34);
  parts.push(p);
  for (const [producerId, firstOffset] of aborted) {
    const a = Buffer.alloc(16);
    a.writeBigInt64BE(BigInt(producerId), 0);
    a.writeBigInt64BE(BigInt(firstOffset), 8);
    parts.push(a);
  }
  const tail = Buffer.alloc(8);
  tail.writeInt32BE(-1, 0);
  tail.writeInt32BE(records.length, 4);
  parts.push(tail, records);
  return Buffer.concat(parts);
}

const offsets = (offset: number) => new Map([["t|3", offset]]);

describe("decodeFetchResponseV11", () => {
  it("decodes keys, values, tombstones, headers and timestamps, from the fetch offset on", () => {
    const payload = response(
      "t",
      3,
      batch({
        baseOffset: 10,
        firstTimestamp: 5_000,
        records: [
          { key: "a", value: "1" },
          {
            key: "b",
            value: null,
            headers: [
              ["h", "x"],
              ["h", "y"],
              ["n", null],
            ],
          },
          { key: null, value: "3", timestampDelta: 300 },
        ],
      }),
    );
    const decoded = decodeFetchResponseV11(payload, offsets(11));
    expect(decoded.supported).toBe(true);
    const [p] = decoded.partitions;
    expect(p!.nextOffset).toBe(13);
    expect(p!.lastStableOffset).toBe(100);
    expect(
      p!.records.map((r) => [r.offset, r.key?.toString() ?? null, r.value?.toString() ?? null, r.timestamp]),
    ).toEqual([
      [11, "b", null, 5_001],
      [12, null, "3", 5_300],
    ]);
    expect(p!.records[0]!.headers).toEqual([
      { key: "h", value: Buffer.from("x") },
      { key: "h", value: Buffer.from("y") },
      { key: "n", value: null },
    ]);
  });

  it("leaves keys and values in the response, where a serde may read them without a view", () => {
    const payload = response(
      "t",
      3,
      batch({
        baseOffset: 0,
        records: [
          { key: "ключ", value: "" },
          { key: null, value: "v" },
        ],
      }),
    );
    const [first, second] = decodeFetchResponseV11(payload, offsets(0)).partitions[0]!.records as FetchedRecord[];
    expect(first).toBeInstanceOf(FetchedRecord);
    expect(first!.bytes).toBe(payload);
    expect(first!.bytes.subarray(first!.keyAt, first!.keyAt + first!.keyLength).toString()).toBe("ключ");
    expect([first!.valueLength, first!.value]).toEqual([0, Buffer.alloc(0)]);
    expect([second!.keyLength, second!.key]).toEqual([-1, null]);
    expect(second!.bytes.toString("utf8", second!.valueAt, second!.valueAt + second!.valueLength)).toBe("v");
    // A view of the response's own bytes, no copy.
    expect(second!.value!.buffer).toBe(payload.buffer);
  });

  it("drops aborted transactions and markers, keeps committed ones, and moves past all of them", () => {
    const records = Buffer.concat([
      batch({ baseOffset: 0, producerId: 7, transactional: true, records: [{ key: "a", value: "aborted" }] }),
      batch({ baseOffset: 1, producerId: 8, transactional: true, records: [{ key: "b", value: "committed" }] }),
      batch({ baseOffset: 2, producerId: 7, control: "abort", records: [] }),
      batch({ baseOffset: 3, producerId: 8, control: "commit", records: [] }),
      batch({ baseOffset: 4, producerId: 7, transactional: true, records: [{ key: "c", value: "later" }] }),
    ]);
    const [p] = decodeFetchResponseV11(response("t", 3, records, [[7, 0]]), offsets(0)).partitions;
    expect(p!.records.map((r) => r.value?.toString())).toEqual(["committed", "later"]);
    expect(p!.nextOffset).toBe(5);
  });

  it("stops before a partial batch at the end of the response", () => {
    const full = batch({ baseOffset: 0, records: [{ key: "a", value: "1" }] });
    const second = batch({ baseOffset: 1, records: [{ key: "b", value: "2" }] });
    const [p] = decodeFetchResponseV11(
      response("t", 3, Buffer.concat([full, second.subarray(0, 30)])),
      offsets(0),
    ).partitions;
    expect(p!.records).toHaveLength(1);
    expect(p!.nextOffset).toBe(1);
  });

  it("opens gzip and lz4 batches itself", () => {
    const records = [
      { key: "a", value: "1" },
      { key: "b", value: "2" },
    ];
    const gzip = { codec: 1, encode: (bytes: Buffer) => gzipSync(bytes) };
    const lz4 = { codec: 3, encode: lz4Frame };
    const bytes = Buffer.concat([
      batch({ baseOffset: 0, compression: gzip, records }),
      batch({ baseOffset: 2, compression: lz4, records }),
    ]);
    const decoded = decodeFetchResponseV11(response("t", 3, bytes), offsets(1));
    expect(decoded.supported).toBe(true);
    expect(decoded.partitions[0]!.records.map((r) => [r.offset, r.key?.toString(), r.value?.toString()])).toEqual([
      [1, "b", "2"],
      [2, "a", "1"],
      [3, "b", "2"],
    ]);
    expect(decoded.partitions[0]!.nextOffset).toBe(4);
  });

  it("makes a batch that cannot be read one entry at its last offset, with its bytes, and reads those around it", () => {
    const records = [
      { key: "a", value: "1" },
      { key: "b", value: "2" },
      { key: "c", value: "3" },
    ];
    const notGzip = { codec: 1, encode: () => Buffer.from("not gzip at all") };
    const cut = { codec: 0, encode: (bytes: Buffer) => Buffer.concat([bytes.subarray(0, 3), Buffer.alloc(9, 0x7f)]) };
    const noSuchCodec = { codec: 5, encode: (bytes: Buffer) => bytes };
    const bad = [
      batch({ baseOffset: 1, compression: notGzip, records }),
      batch({ baseOffset: 5, compression: cut, records }),
      batch({ baseOffset: 8, compression: noSuchCodec, records: records.slice(0, 1) }),
    ];
    const bytes = Buffer.concat([
      batch({ baseOffset: 0, records: records.slice(0, 1) }),
      bad[0]!,
      batch({ baseOffset: 4, records: records.slice(1, 2) }),
      bad[1]!,
      bad[2]!,
      batch({ baseOffset: 9, records: records.slice(2) }),
    ]);
    // Without markUndecodable the response is left to kafkajs, as before.
    expect(decodeFetchResponseV11(response("t", 3, bytes), offsets(0)).supported).toBe(false);
    const decoded = decodeFetchResponseV11(response("t", 3, bytes), offsets(0), { markUndecodable: true });
    expect(decoded.supported).toBe(true);
    const [p] = decoded.partitions;
    expect(p!.records.map((r) => [r.offset, r.value?.toString() ?? null, r.undecodable?.baseOffset ?? null])).toEqual([
      [0, "1", null],
      [3, bad[0]!.toString(), 1],
      [4, "2", null],
      [7, bad[1]!.toString(), 5],
      [8, bad[2]!.toString(), 8],
      [9, "3", null],
    ]);
    expect(p!.records[1]!.undecodable).toEqual({
      baseOffset: 1,
      lastOffset: 3,
      reason: expect.stringContaining("gzip payload does not decompress") as unknown,
    });
    expect(p!.records[3]!.undecodable!.reason).toContain("records do not parse");
    expect(p!.records[4]!.undecodable!.reason).toContain("codec 5");
    expect(p!.nextOffset).toBe(10);
  });

  it("makes a batch whose CRC-32C does not match its bytes undecodable, as Kafka's consumer checks it", () => {
    const damaged = batch({ baseOffset: 1, records: [{ key: "b", value: "2" }] });
    damaged.writeUInt8(damaged.readUInt8(damaged.length - 2) ^ 0x01, damaged.length - 2); // one bit of the record flipped after the CRC was written
    const bytes = Buffer.concat([
      batch({ baseOffset: 0, records: [{ key: "a", value: "1" }] }),
      damaged,
      batch({ baseOffset: 2, records: [{ key: "c", value: "3" }] }),
    ]);
    expect(decodeFetchResponseV11(response("t", 3, bytes), offsets(0)).supported).toBe(false);
    const [p] = decodeFetchResponseV11(response("t", 3, bytes), offsets(0), { markUndecodable: true }).partitions;
    expect(p!.records.map((r) => [r.offset, r.value?.toString() ?? null, r.undecodable?.baseOffset ?? null])).toEqual([
      [0, "1", null],
      [1, damaged.toString(), 1],
      [2, "3", null],
    ]);
    expect(p!.records[1]!.undecodable!.reason).toMatch(/CRC-32C is 0x[0-9a-f]{8} where the batch says 0x[0-9a-f]{8}/);
  });
});

describe("decodeFetchResponseV11, lazy (the restore path)", () => {
  const view = (records: Iterable<{ offset: number; key: Buffer | null; value: Buffer | null; timestamp: number }>) =>
    [...records].map((r) => [r.offset, r.key?.toString() ?? null, r.value?.toString() ?? null, r.timestamp]);

  it("reads batch headers only up front, and the same records as the eager decoder when iterated, each time", () => {
    const gzip = { codec: 1, encode: (bytes: Buffer) => gzipSync(bytes) };
    const bytes = Buffer.concat([
      batch({ baseOffset: 0, producerId: 7, transactional: true, records: [{ key: "a", value: "aborted" }] }),
      batch({ baseOffset: 1, producerId: 8, transactional: true, records: [{ key: "b", value: "committed" }] }),
      batch({ baseOffset: 2, producerId: 7, control: "abort", records: [] }),
      batch({ baseOffset: 3, producerId: 8, control: "commit", records: [] }),
      batch({
        baseOffset: 4,
        compression: gzip,
        records: [
          { key: "c", value: "1" },
          { key: "d", value: null },
        ],
      }),
    ]);
    const payload = response("t", 3, Buffer.concat([bytes, batch({ baseOffset: 6, records: [] }).subarray(0, 20)]), [
      [7, 0],
    ]);
    const eager = decodeFetchResponseV11(payload, offsets(1)).partitions[0]!;
    const lazy = decodeFetchResponseV11(payload, offsets(1), { lazy: true }).partitions[0]!;
    expect(lazy.records).toEqual([]);
    expect(lazy.nextOffset).toBe(6);
    expect(lazy.nextOffset).toBe(eager.nextOffset);
    expect(view(lazy.lazyRecords!)).toEqual(view(eager.records));
    expect(view(lazy.lazyRecords!)).toEqual([
      [1, "b", "committed", 1_000],
      [4, "c", "1", 1_000],
      [5, "d", null, 1_001],
    ]);
  });

  it("fails the iteration on a batch that cannot be read, naming the partition and its offsets", () => {
    const damaged = batch({ baseOffset: 1, records: [{ key: "b", value: "2" }] });
    damaged.writeUInt8(damaged.readUInt8(damaged.length - 2) ^ 0x01, damaged.length - 2);
    const bytes = Buffer.concat([batch({ baseOffset: 0, records: [{ key: "a", value: "1" }] }), damaged]);
    const decoded = decodeFetchResponseV11(response("t", 3, bytes), offsets(0), { lazy: true });
    expect(decoded.supported).toBe(true);
    const seen: string[] = [];
    expect(() => {
      for (const r of decoded.partitions[0]!.lazyRecords!) seen.push(r.key!.toString());
    }).toThrow(/record batch of t-3 at offsets 1\.\.1 cannot be read: its CRC-32C is/);
    expect(seen).toEqual(["a"]);
  });

  it("leaves a response in the old message format to kafkajs", () => {
    const old = batch({ baseOffset: 0, records: [{ key: "a", value: "1" }] });
    old.writeInt8(1, 16); // magic 1
    expect(decodeFetchResponseV11(response("t", 3, old), offsets(0), { lazy: true }).supported).toBe(false);
  });
});

/** An LZ4 frame of one uncompressed block, as the frame format allows (kafkajs cannot read it without a codec). */
function lz4Frame(bytes: Buffer): Buffer {
  const descriptor = Buffer.from([0x60, 0x40]); // version 1, independent blocks; 64 KiB blocks
  const headerChecksum = (xxhash32(descriptor) >>> 8) & 0xff;
  const size = Buffer.alloc(4);
  size.writeUInt32LE((bytes.length | 0x80000000) >>> 0);
  return Buffer.concat([
    Buffer.from([0x04, 0x22, 0x4d, 0x18]),
    descriptor,
    Buffer.from([headerChecksum]),
    size,
    bytes,
    Buffer.alloc(4),
  ]);
}
