// The transactions v2 codecs (KIP-890 part 2) against Kafka's message schemas as the embedded
// broker transcribes them (src/broker/protocol/messages): Produce v12, EndTxn v5,
// TxnOffsetCommit v5 and ApiVersions v3's finalized features. What Eddy writes is what a
// Kafka broker reads, and what a broker writes is what Eddy reads, tagged fields included.
import { describe, expect, it } from "vitest";
import { Api } from "../../../src/broker/protocol/apis.js";
import { ByteReader } from "../../../src/bytes/byte-reader.js";
import { ByteWriter } from "../../../src/bytes/byte-writer.js";
import { decodeApiVersionsV3Response, encodeApiVersionsV3 } from "../../../src/kafka/wire/api-versions.js";
import { decodeEndTxnV5Response, encodeEndTxnV5 } from "../../../src/kafka/wire/end-txn.js";
import { encodeProduceRequest } from "../../../src/kafka/wire/produce-request-encoder.js";
import type { ProduceRequestArgs } from "../../../src/kafka/wire/produce-request-encoder.js";
import { decodeFlexibleProduceResponse } from "../../../src/kafka/wire/produce-response.js";
import { encodeTxnOffsetCommitV3 } from "../../../src/kafka/wire/txn-offset-commit.js";

function afterHeaderTags(body: Buffer): ByteReader {
  expect(body[0]).toBe(0);
  return new ByteReader(body, 1);
}

/** A flexible response's bytes after the correlation id: response header v1's tags, then the body. */
function responseBytes(write: (writer: ByteWriter) => void, tags: Buffer = Buffer.from([0])): Buffer {
  const writer = new ByteWriter();
  write(writer);
  return Buffer.concat([tags, writer.toBuffer()]);
}

const NOW = Date.parse("2026-12-05T12:00:00Z");

const transactional: ProduceRequestArgs = {
  transactionalId: "count-0_1",
  acks: -1,
  timeout: 30_000,
  producerId: 4001,
  producerEpoch: 7,
  topicData: [
    {
      topic: "counts",
      partitions: [
        {
          partition: 3,
          firstSequence: 12,
          messages: [
            { key: Buffer.from("url-1"), value: Buffer.from("17"), timestamp: NOW },
            { key: "url-2", value: null, timestamp: NOW + 5, headers: [{ key: "h", value: Buffer.from("x") }] },
          ],
        },
        { partition: 0, messages: [{ key: null, value: Buffer.alloc(300, 7), timestamp: NOW + 1 }] },
      ],
    },
    { topic: "é-changelog", partitions: [{ partition: 1, messages: [{ key: "k", value: "v", timestamp: NOW }] }] },
  ],
};

/** The record batches of a Produce v3 body, as the broker's codec reads them, by topic and partition. */
function recordsOf(version: number, body: Buffer): Map<string, Buffer | null> {
  const reader = version >= 9 ? afterHeaderTags(body) : new ByteReader(body);
  const request = Api.produce.decodeRequest(version, reader);
  expect(reader.remaining).toBe(0);
  const records = new Map<string, Buffer | null>();
  for (const topic of request.topicData) {
    for (const p of topic.partitionData) records.set(`${topic.name}/${p.index}`, p.records);
  }
  return records;
}

describe("Produce v12", () => {
  it("writes v3's fields and the very same record batches in the flexible layout", () => {
    const v12 = encodeProduceRequest(transactional, NOW, 12);
    const request = Api.produce.decodeRequest(12, afterHeaderTags(v12));
    expect(request.transactionalId).toBe("count-0_1");
    expect(request.acks).toBe(-1);
    expect(request.timeoutMs).toBe(30_000);
    expect(request.topicData.map((t) => [t.name, t.partitionData.map((p) => p.index)])).toEqual([
      ["counts", [3, 0]],
      ["é-changelog", [1]],
    ]);
    expect(recordsOf(12, v12)).toEqual(recordsOf(3, encodeProduceRequest(transactional, NOW)));
  });

  it("writes a null transactional id and an empty request", () => {
    const body = encodeProduceRequest({ acks: 1, timeout: 5, topicData: [] }, NOW, 12);
    const reader = afterHeaderTags(body);
    expect(Api.produce.decodeRequest(12, reader)).toEqual({
      transactionalId: null,
      acks: 1,
      timeoutMs: 5,
      topicData: [],
    });
    expect(reader.remaining).toBe(0);
  });

  it("reads the answer as kafkajs' own decoders hand it over, past record errors and tagged fields", () => {
    const payload = responseBytes(
      (w) =>
        Api.produce.encodeResponse(12, w, {
          responses: [
            {
              name: "counts",
              partitionResponses: [
                { index: 3, errorCode: 0, baseOffset: 2 ** 40, logAppendTimeMs: -1, logStartOffset: 5 },
                {
                  index: 0,
                  errorCode: 87,
                  baseOffset: -1,
                  logAppendTimeMs: -1,
                  logStartOffset: -1,
                  recordErrors: [{ batchIndex: 1, batchIndexErrorMessage: "bad" }],
                  errorMessage: "one record was refused",
                },
              ],
            },
          ],
          throttleTimeMs: 3,
        }),
      Buffer.from([1, 9, 1, 0xff]),
    );
    expect(decodeFlexibleProduceResponse(payload)).toEqual({
      topics: [
        {
          topicName: "counts",
          partitions: [
            { partition: 3, errorCode: 0, baseOffset: String(2 ** 40), logAppendTime: "-1", logStartOffset: "5" },
            { partition: 0, errorCode: 87, baseOffset: "-1", logAppendTime: "-1", logStartOffset: "-1" },
          ],
        },
      ],
      throttleTime: 3,
    });
  });
});

describe("EndTxn v5", () => {
  it("writes the transaction's end and reads the producer id and epoch it bumped to", () => {
    const reader = afterHeaderTags(
      encodeEndTxnV5({ transactionalId: "count-0_1", producerId: 2 ** 35, producerEpoch: 32_766, committed: true }),
    );
    expect(Api.endTxn.decodeRequest(5, reader)).toEqual({
      transactionalId: "count-0_1",
      producerId: 2 ** 35,
      producerEpoch: 32_766,
      committed: true,
    });
    expect(reader.remaining).toBe(0);
    const payload = responseBytes((w) =>
      Api.endTxn.encodeResponse(5, w, { throttleTimeMs: 0, errorCode: 0, producerId: 4002, producerEpoch: 0 }),
    );
    expect(decodeEndTxnV5Response(payload)).toEqual({ errorCode: 0, producerId: 4002, producerEpoch: 0 });
    const fenced = responseBytes((w) => Api.endTxn.encodeResponse(5, w, { throttleTimeMs: 0, errorCode: 90 }));
    expect(decodeEndTxnV5Response(fenced)).toEqual({ errorCode: 90, producerId: -1, producerEpoch: -1 });
  });
});

describe("TxnOffsetCommit v5", () => {
  it("is v3's bytes", () => {
    const body = encodeTxnOffsetCommitV3({
      transactionalId: "count-0_1",
      producerId: 4001,
      producerEpoch: 8,
      group: { groupId: "count", generationId: 3, memberId: "m-1", groupInstanceId: null },
      topics: [{ topic: "visits", partitions: [{ partition: 2, offset: 99, metadata: "AQ" }] }],
    });
    const reader = afterHeaderTags(body);
    expect(Api.txnOffsetCommit.decodeRequest(5, reader)).toEqual(
      Api.txnOffsetCommit.decodeRequest(3, afterHeaderTags(body)),
    );
    expect(reader.remaining).toBe(0);
  });
});

describe("ApiVersions v3", () => {
  it("asks with the client's name and version and reads the finalized features past the others", () => {
    const reader = afterHeaderTags(encodeApiVersionsV3("eddy", "1"));
    expect(Api.apiVersions.decodeRequest(3, reader)).toEqual({
      clientSoftwareName: "eddy",
      clientSoftwareVersion: "1",
    });
    const writer = new ByteWriter();
    Api.apiVersions.encodeResponse(3, writer, {
      errorCode: 0,
      apiKeys: [
        { apiKey: 0, minVersion: 3, maxVersion: 12 },
        { apiKey: 26, minVersion: 0, maxVersion: 5 },
      ],
      throttleTimeMs: 0,
      supportedFeatures: [{ name: "transaction.version", minVersion: 0, maxVersion: 2 }],
      finalizedFeaturesEpoch: 22,
      finalizedFeatures: [
        { name: "metadata.version", maxVersionLevel: 33, minVersionLevel: 33 },
        { name: "transaction.version", maxVersionLevel: 2, minVersionLevel: 2 },
      ],
    });
    // ApiVersions answers use response header v0: the body starts right after the correlation id.
    const answer = decodeApiVersionsV3Response(writer.toBuffer());
    expect(answer.errorCode).toBe(0);
    expect([...answer.apiKeys]).toEqual([
      [0, { minVersion: 3, maxVersion: 12 }],
      [26, { minVersion: 0, maxVersion: 5 }],
    ]);
    expect(answer.finalizedFeaturesEpoch).toBe(22);
    expect(answer.finalizedFeatures.get("transaction.version")).toBe(2);
    expect(answer.finalizedFeatures.get("metadata.version")).toBe(33);
  });

  it("reads an answer without features (Apache Kafka 3.9 finalizes none of transaction.version) and an error", () => {
    const writer = new ByteWriter();
    Api.apiVersions.encodeResponse(3, writer, { errorCode: 0, apiKeys: [], throttleTimeMs: 0 });
    const answer = decodeApiVersionsV3Response(writer.toBuffer());
    expect(answer.finalizedFeatures.size).toBe(0);
    expect(answer.finalizedFeaturesEpoch).toBe(-1);
    // UNSUPPORTED_VERSION comes in v0's layout, which is not read further.
    const unsupported = Buffer.from([0, 35, 0, 0, 0, 0]);
    expect(decodeApiVersionsV3Response(unsupported).errorCode).toBe(35);
  });
});
