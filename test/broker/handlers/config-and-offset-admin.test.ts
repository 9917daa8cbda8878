// IncrementalAlterConfigs (44), OffsetDelete (47) and DescribeCluster (60) at the protocol
// level: the Java AdminClient's incrementalAlterConfigs, deleteConsumerGroupOffsets and
// describeCluster send exactly these.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBroker, type RunningBroker } from "../../../src/broker/index.js";
import { Api } from "../../../src/broker/protocol/apis.js";
import { ErrorCode } from "../../../src/broker/protocol/error-codes.js";
import { RawClient } from "../support/raw-client.js";

const TOPIC = 2;
const SET = 0;
const DELETE = 1;
const APPEND = 2;
const SUBTRACT = 3;

/** A ConsumerProtocolSubscription v0: int16 version, topic names, null user data. */
function subscription(topics: string[]): Buffer {
  const parts = [Buffer.from([0, 0]), Buffer.alloc(4)];
  parts[1]!.writeInt32BE(topics.length);
  for (const topic of topics) {
    const length = Buffer.alloc(2);
    length.writeInt16BE(Buffer.byteLength(topic));
    parts.push(length, Buffer.from(topic));
  }
  parts.push(Buffer.from([0xff, 0xff, 0xff, 0xff]));
  return Buffer.concat(parts);
}

describe("IncrementalAlterConfigs, OffsetDelete and DescribeCluster", () => {
  let broker: RunningBroker;
  let client: RawClient;

  beforeAll(async () => {
    broker = await startBroker();
    client = await RawClient.connect(broker.bootstrap);
    const created = await client.request(Api.createTopics, 4, {
      topics: ["configs", "consumed", "abandoned"].map((name) => ({
        name,
        numPartitions: 2,
        replicationFactor: 1,
        assignments: [],
        configs: name === "configs" ? [{ name: "retention.ms", value: "60000" }] : [],
      })),
      timeoutMs: 1000,
      validateOnly: false,
    });
    expect(created.topics.map((t) => t.errorCode)).toEqual([0, 0, 0]);
  });

  afterAll(async () => {
    client.close();
    await broker.close();
  });

  async function overrides(topic: string): Promise<Record<string, string | null>> {
    const described = await client.request(Api.describeConfigs, 1, {
      resources: [{ resourceType: TOPIC, resourceName: topic, configurationKeys: null }],
      includeSynonyms: false,
    });
    const dynamic = described.results[0]!.configs.filter((c) => c.configSource === 1);
    return Object.fromEntries(dynamic.map((c) => [c.name, c.value]));
  }

  async function alter(
    configs: { name: string; configOperation: number; value: string | null }[],
    validateOnly = false,
  ) {
    const answer = await client.request(Api.incrementalAlterConfigs, 0, {
      resources: [{ resourceType: TOPIC, resourceName: "configs", configs }],
      validateOnly,
    });
    return answer.responses[0]!;
  }

  it("is advertised in ApiVersions", async () => {
    const versions = await client.request(Api.apiVersions, 0, {});
    expect(versions.apiKeys).toContainEqual(expect.objectContaining({ apiKey: 44, minVersion: 0, maxVersion: 0 }));
    expect(versions.apiKeys).toContainEqual(expect.objectContaining({ apiKey: 47, minVersion: 0, maxVersion: 0 }));
    expect(versions.apiKeys).toContainEqual(expect.objectContaining({ apiKey: 60, minVersion: 0, maxVersion: 0 }));
  });

  it("describes the cluster in DescribeCluster's flexible v0", async () => {
    const plain = await client.request(Api.describeCluster, 0, { includeClusterAuthorizedOperations: false });
    const metadata = await client.request(Api.metadata, 1, { topics: [] });
    expect(plain).toMatchObject({
      errorCode: 0,
      errorMessage: null,
      controllerId: broker.nodeId,
      brokers: [{ brokerId: broker.nodeId, host: broker.host, port: broker.port, rack: null }],
      clusterAuthorizedOperations: -2147483648,
    });
    const withOperations = await client.request(Api.describeCluster, 0, { includeClusterAuthorizedOperations: true });
    // ALTER (7), DESCRIBE (8), ALTER_CONFIGS (11) among Kafka's cluster operations.
    for (const op of [7, 8, 11]) expect(withOperations.clusterAuthorizedOperations & (1 << op)).not.toBe(0);
    const v2 = await client.request(Api.metadata, 2, { topics: [] });
    expect(plain.clusterId).toBe(v2.clusterId);
    expect(metadata.controllerId).toBe(plain.controllerId);
  });

  it("sets, deletes, appends to and subtracts from single configs, keeping the others", async () => {
    expect(await alter([{ name: "segment.ms", configOperation: SET, value: "3600000" }])).toMatchObject({
      errorCode: 0,
    });
    expect(await overrides("configs")).toEqual({ "retention.ms": "60000", "segment.ms": "3600000" });

    expect((await alter([{ name: "cleanup.policy", configOperation: APPEND, value: "compact" }])).errorCode).toBe(0);
    expect((await overrides("configs"))["cleanup.policy"]).toBe("delete,compact");
    expect((await alter([{ name: "cleanup.policy", configOperation: SUBTRACT, value: "delete" }])).errorCode).toBe(0);
    expect((await overrides("configs"))["cleanup.policy"]).toBe("compact");

    expect((await alter([{ name: "retention.ms", configOperation: DELETE, value: null }])).errorCode).toBe(0);
    expect(await overrides("configs")).toEqual({ "segment.ms": "3600000", "cleanup.policy": "compact" });
  });

  it("validates without changing anything, and refuses bad changes as a whole", async () => {
    const before = await overrides("configs");
    expect((await alter([{ name: "retention.ms", configOperation: SET, value: "1000" }], true)).errorCode).toBe(0);
    const appendToLong = await alter([
      { name: "retention.ms", configOperation: SET, value: "1000" },
      { name: "segment.ms", configOperation: APPEND, value: "5" },
    ]);
    expect(appendToLong).toMatchObject({
      errorCode: ErrorCode.INVALID_CONFIG,
      errorMessage: "Config value append is not allowed for config key: segment.ms",
    });
    expect((await alter([{ name: "retention.ms", configOperation: SET, value: "soon" }])).errorCode).toBe(
      ErrorCode.INVALID_CONFIG,
    );
    expect((await alter([{ name: "no.such.config", configOperation: DELETE, value: null }])).errorCode).toBe(
      ErrorCode.INVALID_CONFIG,
    );
    expect((await alter([{ name: "retention.ms", configOperation: 9, value: "1" }])).errorCode).toBe(
      ErrorCode.INVALID_REQUEST,
    );
    const duplicate = await alter([
      { name: "retention.ms", configOperation: SET, value: "1" },
      { name: "retention.ms", configOperation: DELETE, value: null },
    ]);
    expect(duplicate.errorCode).toBe(ErrorCode.INVALID_REQUEST);
    expect(await overrides("configs")).toEqual(before);

    const missing = await client.request(Api.incrementalAlterConfigs, 0, {
      resources: [
        {
          resourceType: TOPIC,
          resourceName: "missing",
          configs: [{ name: "retention.ms", configOperation: SET, value: "1" }],
        },
      ],
      validateOnly: false,
    });
    expect(missing.responses[0]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it("deletes committed offsets of topics the group does not consume and keeps the subscribed ones", async () => {
    const groupId = "offset-delete";
    const join = await client.request(Api.joinGroup, 3, {
      groupId,
      sessionTimeoutMs: 30000,
      rebalanceTimeoutMs: 30000,
      memberId: "",
      protocolType: "consumer",
      protocols: [{ name: "range", metadata: subscription(["consumed"]) }],
    });
    expect(join.errorCode).toBe(0);
    const sync = await client.request(Api.syncGroup, 2, {
      groupId,
      generationId: join.generationId,
      memberId: join.memberId,
      assignments: [{ memberId: join.memberId, assignment: Buffer.alloc(0) }],
    });
    expect(sync.errorCode).toBe(0);
    const commit = await client.request(Api.offsetCommit, 5, {
      groupId,
      generationIdOrMemberEpoch: join.generationId,
      memberId: join.memberId,
      topics: ["consumed", "abandoned"].map((name) => ({
        name,
        partitions: [0, 1].map((partitionIndex) => ({ partitionIndex, committedOffset: 7, committedMetadata: null })),
      })),
    });
    expect(commit.topics.flatMap((t) => t.partitions.map((p) => p.errorCode))).toEqual([0, 0, 0, 0]);

    const deleted = await client.request(Api.offsetDelete, 0, {
      groupId,
      topics: [
        { name: "consumed", partitions: [{ partitionIndex: 0 }] },
        { name: "abandoned", partitions: [{ partitionIndex: 0 }, { partitionIndex: 5 }] },
      ],
    });
    expect(deleted.errorCode).toBe(0);
    expect(deleted.topics).toEqual([
      { name: "consumed", partitions: [{ partitionIndex: 0, errorCode: ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC }] },
      {
        name: "abandoned",
        partitions: [
          { partitionIndex: 0, errorCode: 0 },
          { partitionIndex: 5, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION },
        ],
      },
    ]);

    const fetched = await client.request(Api.offsetFetch, 3, { groupId, topics: null });
    const offsets = fetched.topics.flatMap((t) =>
      t.partitions.map((p) => `${t.name}-${p.partitionIndex}:${p.committedOffset}`),
    );
    expect(offsets.sort()).toEqual(["abandoned-1:7", "consumed-0:7", "consumed-1:7"]);

    // Once the group is empty, every topic's offsets can go.
    await client.request(Api.leaveGroup, 1, { groupId, memberId: join.memberId });
    const emptied = await client.request(Api.offsetDelete, 0, {
      groupId,
      topics: [{ name: "consumed", partitions: [{ partitionIndex: 1 }] }],
    });
    expect(emptied.topics[0]!.partitions[0]!.errorCode).toBe(0);
    const unknown = await client.request(Api.offsetDelete, 0, { groupId: "no-such-group", topics: [] });
    expect(unknown.errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
  });
});
