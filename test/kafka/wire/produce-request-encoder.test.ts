import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { encodeProduceRequest } from "../../../src/kafka/wire/produce-request-encoder.js";
import type { ProduceRequestArgs } from "../../../src/kafka/wire/produce-request-encoder.js";

// kafkajs' own Produce v3 request (the layout of v3 to v7): the reference bytes.
const require = createRequire(import.meta.url);
const kafkajsProduceV3 = require("kafkajs/src/protocol/requests/produce/v3/request") as (
  args: ProduceRequestArgs & { compression?: number },
) => { encode(): Promise<{ buffer: Buffer }> };

async function kafkajsBytes(args: ProduceRequestArgs): Promise<Buffer> {
  return (await kafkajsProduceV3({ ...args, compression: 0 }).encode()).buffer;
}

describe("encodeProduceRequest", () => {
  it("writes what kafkajs writes: keys, values, nulls, headers, timestamps, several topics and partitions", async () => {
    const args: ProduceRequestArgs = {
      acks: -1,
      timeout: 30_000,
      topicData: [
        {
          topic: "events",
          partitions: [
            {
              partition: 2,
              messages: [
                { key: Buffer.from("account-1"), value: Buffer.from('{"type":"opened"}'), timestamp: "1700000000123" },
                {
                  key: "account-2",
                  value: null,
                  timestamp: "1700000000456",
                  headers: { "correlation-id": Buffer.from("c-1") },
                },
                {
                  key: null,
                  value: "välue",
                  timestamp: "1700000000124",
                  headers: { h: [Buffer.from("a"), Buffer.from("b")], e: Buffer.alloc(0) },
                },
              ],
            },
            {
              partition: 0,
              messages: [{ key: Buffer.alloc(300, 1), value: Buffer.alloc(70_000, 2), timestamp: "1700000000000" }],
            },
          ],
        },
        {
          topic: "répliques",
          partitions: [
            { partition: 5, messages: [{ key: Buffer.from("k"), value: Buffer.from("v"), timestamp: "1" }] },
          ],
        },
      ],
    };
    expect(encodeProduceRequest(args)).toEqual(await kafkajsBytes(args));
  });

  it("writes idempotent and transactional batches as kafkajs does", async () => {
    const args: ProduceRequestArgs = {
      transactionalId: "bank-0_3",
      acks: -1,
      timeout: 30_000,
      producerId: "4242",
      producerEpoch: 7,
      topicData: [
        {
          topic: "bank-accounts-changelog",
          partitions: [
            {
              partition: 3,
              firstSequence: 1_000_000,
              messages: Array.from({ length: 500 }, (_, i) => ({
                key: Buffer.from(`k${i}`),
                value: Buffer.from(`v${i}`),
                timestamp: String(1700000000000 + i),
              })),
            },
          ],
        },
      ],
    };
    expect(encodeProduceRequest(args)).toEqual(await kafkajsBytes(args));
  });

  it("writes timestamp deltas past 2^30 ms and byte runs either side of 32 bytes as kafkajs does", async () => {
    const args: ProduceRequestArgs = {
      acks: -1,
      timeout: 30_000,
      topicData: [
        {
          topic: "t",
          partitions: [
            {
              partition: 0,
              messages: [31, 32, 33, 0, 1, 4096].map((size, i) => ({
                key: Buffer.alloc(size, i + 1),
                value: Buffer.alloc(64 - size > 0 ? 64 - size : 1, i + 7),
                // Twelve days and more apart: the varlong's long form.
                timestamp: String(i === 0 ? 1 : 1700000000000 + i * 2 ** 31),
              })),
            },
          ],
        },
      ],
    };
    expect(encodeProduceRequest(args)).toEqual(await kafkajsBytes(args));
  });

  it("stamps records without a timestamp with the time of sending", () => {
    const bytes = encodeProduceRequest(
      {
        acks: 1,
        timeout: 5,
        topicData: [{ topic: "t", partitions: [{ partition: 0, messages: [{ key: "a", value: "b" }] }] }],
      },
      1234,
    );
    // transactional id (-1), acks, timeout, 1 topic "t", 1 partition, partition 0, size, base offset, length, epoch, magic, crc, attributes, last delta, first ts
    const firstTimestampAt = 2 + 2 + 4 + 4 + 2 + 1 + 4 + 4 + 4 + 8 + 4 + 4 + 1 + 4 + 2 + 4;
    expect(bytes.readBigInt64BE(firstTimestampAt)).toBe(1234n);
    expect(bytes.readBigInt64BE(firstTimestampAt + 8)).toBe(1234n);
  });
});

describe("encodeProduceRequest with the runtime's records", () => {
  it("takes headers as an ordered list and numeric timestamps, writing the same bytes", () => {
    const base = { acks: -1, timeout: 30_000 };
    const list = encodeProduceRequest({
      ...base,
      topicData: [
        {
          topic: "t",
          partitions: [
            {
              partition: 0,
              messages: [
                {
                  key: Buffer.from("k"),
                  value: null,
                  timestamp: 1700000000001,
                  headers: [
                    { key: "a", value: Buffer.from("1") },
                    { key: "a", value: Buffer.from("2") },
                    { key: "b", value: null },
                  ],
                },
              ],
            },
          ],
        },
      ],
    });
    const byKey = encodeProduceRequest({
      ...base,
      topicData: [
        {
          topic: "t",
          partitions: [
            {
              partition: 0,
              messages: [
                {
                  key: Buffer.from("k"),
                  value: null,
                  timestamp: "1700000000001",
                  headers: { a: [Buffer.from("1"), Buffer.from("2")], b: null },
                },
              ],
            },
          ],
        },
      ],
    });
    expect(list).toEqual(byKey);
  });
});
