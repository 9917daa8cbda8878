// The KIP-447 codecs against Kafka's message schemas as the embedded broker transcribes them
// (src/broker/protocol/messages): what Eddy writes is what a Kafka broker reads, and what a
// broker writes is what Eddy reads, tagged fields included.
import { describe, expect, it } from "vitest";
import { Api } from "../../../src/broker/protocol/apis.js";
import { ByteReader } from "../../../src/bytes/byte-reader.js";
import { ByteWriter } from "../../../src/bytes/byte-writer.js";
import { decodeOffsetFetchV7Response, encodeOffsetFetchV7 } from "../../../src/kafka/wire/offset-fetch.js";
import { decodeTxnOffsetCommitV3Response, encodeTxnOffsetCommitV3 } from "../../../src/kafka/wire/txn-offset-commit.js";

/** A flexible request's body as Eddy writes it starts with request header v2's (empty) tagged fields. */
function afterHeaderTags(body: Buffer): ByteReader {
  expect(body[0]).toBe(0);
  return new ByteReader(body, 1);
}

/** A flexible response's bytes after the correlation id: response header v1's tagged fields, then the body. */
function responseBytes(write: (writer: ByteWriter) => void, tags: Buffer = Buffer.from([0])): Buffer {
  const writer = new ByteWriter();
  write(writer);
  return Buffer.concat([tags, writer.toBuffer()]);
}

describe("TxnOffsetCommit v3", () => {
  it("writes the group's generation, member and instance id with the offsets", () => {
    const body = encodeTxnOffsetCommitV3({
      transactionalId: "bank-5f0e-1",
      producerId: 4001,
      producerEpoch: 3,
      group: { groupId: "bank", generationId: 7, memberId: "eddy-1-ab", groupInstanceId: null },
      topics: [
        {
          topic: "commands",
          partitions: [
            // Kafka Streams' TopicPartitionMetadata: the partition time and processor metadata.
            { partition: 0, offset: 42, metadata: "AgAAAYvP5WgA" },
            { partition: 5, offset: 2 ** 40 },
          ],
        },
        { topic: "bank-repartition", partitions: [{ partition: 1, offset: 0 }] },
      ],
    });
    const reader = afterHeaderTags(body);
    expect(Api.txnOffsetCommit.decodeRequest(3, reader)).toEqual({
      transactionalId: "bank-5f0e-1",
      groupId: "bank",
      producerId: 4001,
      producerEpoch: 3,
      generationId: 7,
      memberId: "eddy-1-ab",
      groupInstanceId: null,
      topics: [
        {
          name: "commands",
          partitions: [
            { partitionIndex: 0, committedOffset: 42, committedLeaderEpoch: -1, committedMetadata: "AgAAAYvP5WgA" },
            { partitionIndex: 5, committedOffset: 2 ** 40, committedLeaderEpoch: -1, committedMetadata: null },
          ],
        },
        {
          name: "bank-repartition",
          partitions: [{ partitionIndex: 1, committedOffset: 0, committedLeaderEpoch: -1, committedMetadata: null }],
        },
      ],
    });
    expect(reader.remaining).toBe(0);
    const instance = encodeTxnOffsetCommitV3({
      transactionalId: "t",
      producerId: 1,
      producerEpoch: 0,
      group: { groupId: "g", generationId: 1, memberId: "m", groupInstanceId: "static-1" },
      topics: [],
    });
    expect(Api.txnOffsetCommit.decodeRequest(3, afterHeaderTags(instance)).groupInstanceId).toBe("static-1");
  });

  it("reads the partitions the coordinator refused, skipping tagged fields", () => {
    const payload = responseBytes(
      (w) =>
        Api.txnOffsetCommit.encodeResponse(3, w, {
          throttleTimeMs: 0,
          topics: [
            {
              name: "commands",
              partitions: [
                { partitionIndex: 0, errorCode: 0 },
                { partitionIndex: 1, errorCode: 22 },
              ],
            },
            { name: "other", partitions: [{ partitionIndex: 3, errorCode: 25 }] },
          ],
        }),
      // One unknown tag in the header (tag 7, two bytes), as a newer broker may send.
      Buffer.from([1, 7, 2, 0xaa, 0xbb]),
    );
    expect(decodeTxnOffsetCommitV3Response(payload)).toEqual([
      { topic: "commands", partition: 1, errorCode: 22 },
      { topic: "other", partition: 3, errorCode: 25 },
    ]);
  });
});

describe("OffsetFetch v7", () => {
  it("asks with requireStable and reads offsets, per-partition and group errors", () => {
    const body = encodeOffsetFetchV7("bank", [
      { topic: "commands", partitions: [0, 3] },
      { topic: "ledger", partitions: [1] },
    ]);
    const reader = afterHeaderTags(body);
    expect(Api.offsetFetch.decodeRequest(7, reader)).toEqual({
      groupId: "bank",
      topics: [
        { name: "commands", partitionIndexes: [0, 3] },
        { name: "ledger", partitionIndexes: [1] },
      ],
      requireStable: true,
    });
    expect(reader.remaining).toBe(0);
    const payload = responseBytes((w) =>
      Api.offsetFetch.encodeResponse(7, w, {
        throttleTimeMs: 0,
        topics: [
          {
            name: "commands",
            partitions: [
              {
                partitionIndex: 0,
                committedOffset: 42,
                committedLeaderEpoch: -1,
                metadata: "AgAAAYvP5WgA",
                errorCode: 0,
              },
              { partitionIndex: 3, committedOffset: -1, committedLeaderEpoch: -1, metadata: null, errorCode: 88 },
            ],
          },
        ],
        errorCode: 0,
      }),
    );
    expect(decodeOffsetFetchV7Response(payload)).toEqual({
      errorCode: 0,
      offsets: [
        { topic: "commands", partition: 0, offset: 42, metadata: "AgAAAYvP5WgA", errorCode: 0 },
        { topic: "commands", partition: 3, offset: -1, metadata: null, errorCode: 88 },
      ],
    });
    const coordinatorMoved = responseBytes((w) =>
      Api.offsetFetch.encodeResponse(7, w, { throttleTimeMs: 0, topics: [], errorCode: 16 }),
    );
    expect(decodeOffsetFetchV7Response(coordinatorMoved)).toEqual({ errorCode: 16, offsets: [] });
  });
});
