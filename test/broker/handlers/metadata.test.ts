// Metadata and ListOffsets at the protocol level, in the old versions kafka-python and
// librdkafka use.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBroker, type RunningBroker } from "../../../src/broker/index.js";
import { Api } from "../../../src/broker/protocol/apis.js";
import { ErrorCode } from "../../../src/broker/protocol/error-codes.js";
import { RawClient } from "../support/raw-client.js";
import { buildBatch } from "../support/record-batch-builder.js";

describe("Metadata and ListOffsets", () => {
  let broker: RunningBroker;
  let client: RawClient;

  beforeAll(async () => {
    broker = await startBroker({ defaultPartitions: 3 });
    client = await RawClient.connect(broker.bootstrap);
  });

  afterAll(async () => {
    client.close();
    await broker.close();
  });

  it("auto-creates topics when asked, lists all topics for v0's empty list and none for v1's", async () => {
    // As on a KRaft broker: the request that creates the topic answers it as not there yet.
    const creating = await client.request(Api.metadata, 6, {
      topics: [{ name: "auto" }],
      allowAutoTopicCreation: true,
    });
    expect(creating.topics[0]).toMatchObject({ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name: "auto" });
    expect(creating.topics[0]!.partitions).toEqual([]);
    const created = await client.request(Api.metadata, 6, {
      topics: [{ name: "auto" }],
      allowAutoTopicCreation: false,
    });
    expect(created.topics[0]).toMatchObject({ errorCode: 0, name: "auto", isInternal: false });
    expect(created.topics[0]!.partitions.map((p) => p.partitionIndex)).toEqual([0, 1, 2]);
    expect(created.brokers).toEqual([{ nodeId: broker.nodeId, host: broker.host, port: broker.port, rack: null }]);
    expect(created.controllerId).toBe(broker.nodeId);
    expect(created.clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/);

    const refused = await client.request(Api.metadata, 6, {
      topics: [{ name: "not-auto" }],
      allowAutoTopicCreation: false,
    });
    expect(refused.topics[0]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const invalid = await client.request(Api.metadata, 4, {
      topics: [{ name: "bad/name" }],
      allowAutoTopicCreation: true,
    });
    expect(invalid.topics[0]!.errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);

    expect((await client.request(Api.metadata, 0, { topics: [] })).topics.map((t) => t.name)).toEqual(["auto"]);
    expect((await client.request(Api.metadata, 1, { topics: [] })).topics).toEqual([]);
    expect((await client.request(Api.metadata, 1, { topics: null })).topics.map((t) => t.name)).toEqual(["auto"]);
  });

  it("answers ListOffsets v0 in the old list form and v1+ with offset and timestamp", async () => {
    await client.request(Api.metadata, 6, { topics: [{ name: "times" }], allowAutoTopicCreation: true });
    const batch = buildBatch([
      { key: null, value: Buffer.from("a"), timestamp: 1000 },
      { key: null, value: Buffer.from("b"), timestamp: 2000 },
      { key: null, value: Buffer.from("c"), timestamp: 3000 },
    ]);
    await client.request(Api.produce, 7, {
      transactionalId: null,
      acks: 1,
      timeoutMs: 1000,
      topicData: [{ name: "times", partitionData: [{ index: 0, records: batch }] }],
    });
    const ask = (version: number, timestamp: number) =>
      client.request(Api.listOffsets, version, {
        replicaId: -1,
        isolationLevel: 0,
        topics: [{ name: "times", partitions: [{ partitionIndex: 0, timestamp, maxNumOffsets: 1 }] }],
      });
    expect((await ask(0, -1)).topics[0]!.partitions[0]).toMatchObject({ errorCode: 0, oldStyleOffsets: [3] });
    expect((await ask(0, -2)).topics[0]!.partitions[0]).toMatchObject({ errorCode: 0, oldStyleOffsets: [0] });
    expect((await ask(1, -1)).topics[0]!.partitions[0]).toMatchObject({ offset: 3, timestamp: -1 });
    expect((await ask(2, 1500)).topics[0]!.partitions[0]).toMatchObject({ offset: 1, timestamp: 2000 });
    expect((await ask(3, 5000)).topics[0]!.partitions[0]).toMatchObject({ offset: -1, timestamp: -1 });
    const missing = await client.request(Api.listOffsets, 1, {
      replicaId: -1,
      topics: [{ name: "times", partitions: [{ partitionIndex: 7, timestamp: -1 }] }],
    });
    expect(missing.topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it("finds the record with the highest timestamp for MAX_TIMESTAMP (-3), the first of equals", async () => {
    await client.request(Api.metadata, 6, { topics: [{ name: "max-times" }], allowAutoTopicCreation: true });
    await client.request(Api.metadata, 6, { topics: [{ name: "max-empty" }], allowAutoTopicCreation: true });
    for (const timestamps of [[1000, 5000], [3000], [5000, 2000]])
      await client.request(Api.produce, 7, {
        transactionalId: null,
        acks: 1,
        timeoutMs: 1000,
        topicData: [
          {
            name: "max-times",
            partitionData: [
              {
                index: 0,
                records: buildBatch(timestamps.map((timestamp) => ({ key: null, value: Buffer.from("v"), timestamp }))),
              },
            ],
          },
        ],
      });
    const ask = (topic: string) =>
      client.request(Api.listOffsets, 3, {
        replicaId: -1,
        isolationLevel: 0,
        topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp: -3 }] }],
      });
    expect((await ask("max-times")).topics[0]!.partitions[0]).toMatchObject({
      errorCode: 0,
      offset: 1,
      timestamp: 5000,
    });
    expect((await ask("max-empty")).topics[0]!.partitions[0]).toMatchObject({
      errorCode: 0,
      offset: -1,
      timestamp: -1,
    });
  });

  it("names this node coordinator for groups and transactional ids", async () => {
    const group = await client.request(Api.findCoordinator, 0, { key: "g" });
    expect(group).toMatchObject({ errorCode: 0, nodeId: broker.nodeId, host: broker.host, port: broker.port });
    const transaction = await client.request(Api.findCoordinator, 2, { key: "tx", keyType: 1 });
    expect(transaction).toMatchObject({ errorCode: 0, errorMessage: null, nodeId: broker.nodeId });
    const unknown = await client.request(Api.findCoordinator, 2, { key: "x", keyType: 5 });
    expect(unknown.errorCode).toBe(ErrorCode.INVALID_REQUEST);
  });
});
