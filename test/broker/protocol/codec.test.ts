import { describe, expect, it } from "vitest";
import { MalformedFrameError, ProtocolEncodeError } from "../../../src/broker/errors.js";
import { Api } from "../../../src/broker/protocol/apis.js";
import type { ApiCodec } from "../../../src/broker/protocol/codec.js";
import type { ApiSpec } from "../../../src/broker/protocol/schema.js";
import { ByteReader } from "../../../src/bytes/byte-reader.js";
import { ByteWriter } from "../../../src/bytes/byte-writer.js";

function bytesOf(write: (writer: ByteWriter) => void): Buffer {
  const writer = new ByteWriter();
  write(writer);
  return Buffer.concat(writer.finish());
}

describe("ApiCodec", () => {
  const codecs = Object.values(Api) as unknown as ApiCodec<ApiSpec>[];
  const everyVersion = codecs.flatMap((codec) =>
    Array.from(
      { length: codec.spec.maxVersion - codec.spec.minVersion + 1 },
      (_, i) => [codec.spec.name, codec.spec.minVersion + i, codec] as const,
    ),
  );

  it.each(everyVersion)("round-trips %s v%i requests and responses made of defaults", (_name, version, codec) => {
    const request = bytesOf((w) => codec.encodeRequest(version, w, {}));
    const decodedRequest = codec.decodeRequest(version, new ByteReader(request));
    expect(bytesOf((w) => codec.encodeRequest(version, w, decodedRequest as never))).toEqual(request);
    const response = bytesOf((w) => codec.encodeResponse(version, w, {}));
    const reader = new ByteReader(response);
    const decodedResponse = codec.decodeResponse(version, reader);
    expect(reader.remaining).toBe(0);
    expect(bytesOf((w) => codec.encodeResponse(version, w, decodedResponse as never))).toEqual(response);
  });

  it("writes ApiVersions v3 with compact arrays and tagged-field sections", () => {
    const bytes = bytesOf((w) =>
      Api.apiVersions.encodeResponse(3, w, {
        errorCode: 0,
        apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 3 }],
        throttleTimeMs: 0,
      }),
    );
    expect(bytes.toString("hex")).toBe(
      [
        "0000", // error code
        "02", // compact array: 1 element
        "0012",
        "0000",
        "0003",
        "00", // key 18, versions 0..3, no tagged fields
        "00000000", // throttle time
        "00", // no tagged fields
      ].join(""),
    );
  });

  it("writes ApiVersions v0 without throttle time or tagged fields", () => {
    const bytes = bytesOf((w) =>
      Api.apiVersions.encodeResponse(0, w, { errorCode: 35, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 3 }] }),
    );
    expect(bytes.toString("hex")).toBe("0023" + "00000001" + "0012" + "0000" + "0003");
  });

  it("reads compact strings and skips unknown tagged fields in flexible requests", () => {
    const body = Buffer.concat([
      Buffer.from([11]),
      Buffer.from("librdkafka"),
      Buffer.from([6]),
      Buffer.from("2.0.2"),
      Buffer.from([1, 7, 2, 0xaa, 0xbb]), // one tagged field (tag 7, 2 bytes) we do not know
    ]);
    const request = Api.apiVersions.decodeRequest(3, new ByteReader(body));
    expect(request).toEqual({ clientSoftwareName: "librdkafka", clientSoftwareVersion: "2.0.2" });
  });

  it("fills fields a version does not carry with their defaults", () => {
    const encoded = bytesOf((w) =>
      Api.fetch.encodeRequest(4, w, {
        replicaId: -1,
        maxWaitMs: 500,
        minBytes: 1,
        maxBytes: 1024,
        isolationLevel: 1,
        topics: [{ topic: "t", partitions: [{ partition: 0, fetchOffset: 7, partitionMaxBytes: 100 }] }],
      }),
    );
    const request = Api.fetch.decodeRequest(4, new ByteReader(encoded));
    expect(request.sessionId).toBe(0);
    expect(request.sessionEpoch).toBe(-1);
    expect(request.rackId).toBe("");
    expect(request.forgottenTopicsData).toEqual([]);
    expect(request.topics[0]!.partitions[0]).toEqual({
      partition: 0,
      currentLeaderEpoch: -1,
      fetchOffset: 7,
      logStartOffset: -1,
      partitionMaxBytes: 100,
    });
  });

  it("tells a null topic list (v1+) from an empty one (v0 means all topics)", () => {
    const nullTopics = bytesOf((w) => Api.metadata.encodeRequest(1, w, { topics: null }));
    expect(nullTopics.toString("hex")).toBe("ffffffff");
    expect(Api.metadata.decodeRequest(1, new ByteReader(nullTopics)).topics).toBeNull();
    expect(() => Api.metadata.decodeRequest(0, new ByteReader(nullTopics))).toThrow(MalformedFrameError);
    const v4 = Api.metadata.decodeRequest(4, new ByteReader(Buffer.from("0000000000", "hex")));
    expect(v4).toEqual({ topics: [], allowAutoTopicCreation: false });
    expect(Api.metadata.decodeRequest(3, new ByteReader(Buffer.from("00000000", "hex"))).allowAutoTopicCreation).toBe(
      true,
    );
  });

  it("writes int64 values exactly, negative ones included", () => {
    const bytes = bytesOf((w) => {
      w.int64(-1);
      w.int64(2 ** 40 + 5);
      w.int64(-(2 ** 33));
    });
    expect(bytes.readBigInt64BE(0)).toBe(-1n);
    expect(bytes.readBigInt64BE(8)).toBe(2n ** 40n + 5n);
    expect(bytes.readBigInt64BE(16)).toBe(-(2n ** 33n));
    const reader = new ByteReader(bytes);
    expect([reader.int64(), reader.int64(), reader.int64()]).toEqual([-1, 2 ** 40 + 5, -(2 ** 33)]);
  });

  it("writes record chunks back to back under one length, referencing large ones", () => {
    const big = Buffer.alloc(10_000, 1);
    const small = Buffer.from([2, 3]);
    const writer = new ByteWriter();
    Api.produce.encodeRequest(3, writer, {
      transactionalId: null,
      acks: 1,
      timeoutMs: 1000,
      topicData: [{ name: "t", partitionData: [{ index: 0, records: [big, small] as unknown as Buffer }] }],
    });
    const chunks = writer.finish();
    expect(chunks).toContain(big);
    const frame = Buffer.concat(chunks);
    const request = Api.produce.decodeRequest(3, new ByteReader(frame));
    expect(request.topicData[0]!.partitionData[0]!.records).toEqual(Buffer.concat([big, small]));
  });

  it("refuses frames that end early or claim impossible array sizes", () => {
    expect(() => Api.heartbeat.decodeRequest(0, new ByteReader(Buffer.from("0003616263", "hex")))).toThrow(
      MalformedFrameError,
    );
    const hugeArray = Buffer.from("7fffffff", "hex");
    expect(() => Api.describeGroups.decodeRequest(0, new ByteReader(hugeArray))).toThrow(/claims/);
  });

  it("refuses to encode null into a field that is not nullable in that version", () => {
    expect(() =>
      bytesOf((w) => Api.joinGroup.encodeResponse(5, w, { protocolName: null as unknown as string })),
    ).toThrow(ProtocolEncodeError);
  });

  it("knows which versions it supports and which are flexible", () => {
    expect(Api.fetch.supports(3)).toBe(false);
    expect(Api.fetch.supports(11)).toBe(true);
    expect(Api.fetch.supports(12)).toBe(false);
    expect(Api.apiVersions.isFlexible(3)).toBe(true);
    expect(Api.apiVersions.isFlexible(2)).toBe(false);
    expect(Api.metadata.isFlexible(6)).toBe(false);
  });

  it("copies byte fields out of the request frame, so what a group keeps does not pin the frame", () => {
    const request = bytesOf((w) =>
      Api.joinGroup.encodeRequest(5, w, {
        groupId: "g",
        sessionTimeoutMs: 10000,
        rebalanceTimeoutMs: 10000,
        memberId: "",
        groupInstanceId: null,
        protocolType: "consumer",
        protocols: [{ name: "range", metadata: Buffer.from("subscription") }],
      }),
    );
    // A large frame holding a small request, as a client may send one.
    const frame = Buffer.concat([request, Buffer.alloc(1 << 20)]);
    const decoded = Api.joinGroup.decodeRequest(5, new ByteReader(frame));
    const metadata = decoded.protocols[0]!.metadata;
    expect(metadata.toString()).toBe("subscription");
    expect(metadata.buffer).not.toBe(frame.buffer);
    expect(metadata.buffer.byteLength).toBeLessThan(1 << 16);
  });
});
