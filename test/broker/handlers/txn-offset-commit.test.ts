// TxnOffsetCommit v3 and OffsetFetch v7 at the protocol level (KIP-447): what an exactly-once
// v2 producer sends, and what its zombie gets. Kafka's answers: a commit naming a member or a
// generation that is not current is refused (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID,
// FENCED_INSTANCE_ID); OffsetFetch with requireStable answers UNSTABLE_OFFSET_COMMIT while a
// transaction holds the partition's offset.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBroker, type RunningBroker } from "../../../src/broker/index.js";
import { Api } from "../../../src/broker/protocol/apis.js";
import { ErrorCode } from "../../../src/broker/protocol/error-codes.js";
import { RawClient } from "../support/raw-client.js";

const TOPIC = "txn-offsets-in";

describe("TxnOffsetCommit v3 and OffsetFetch requireStable", () => {
  let broker: RunningBroker;
  let client: RawClient;

  beforeAll(async () => {
    broker = await startBroker();
    client = await RawClient.connect(broker.bootstrap);
    const created = await client.request(Api.createTopics, 4, {
      topics: [{ name: TOPIC, numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }],
      timeoutMs: 1000,
      validateOnly: false,
    });
    expect(created.topics[0]!.errorCode).toBe(0);
  });

  afterAll(async () => {
    client.close();
    await broker.close();
  });

  async function member(groupId: string, groupInstanceId: string | null = null) {
    const join = await client.request(Api.joinGroup, 5, {
      groupId,
      sessionTimeoutMs: 30000,
      rebalanceTimeoutMs: 30000,
      memberId: "",
      groupInstanceId,
      protocolType: "consumer",
      protocols: [{ name: "range", metadata: Buffer.from([0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]) }],
    });
    let joined = join;
    if (join.errorCode === ErrorCode.MEMBER_ID_REQUIRED) {
      joined = await client.request(Api.joinGroup, 5, {
        groupId,
        sessionTimeoutMs: 30000,
        rebalanceTimeoutMs: 30000,
        memberId: join.memberId,
        groupInstanceId,
        protocolType: "consumer",
        protocols: [{ name: "range", metadata: Buffer.from([0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]) }],
      });
    }
    expect(joined.errorCode).toBe(0);
    const sync = await client.request(Api.syncGroup, 3, {
      groupId,
      generationId: joined.generationId,
      memberId: joined.memberId,
      groupInstanceId,
      assignments: [{ memberId: joined.memberId, assignment: Buffer.alloc(0) }],
    });
    expect(sync.errorCode).toBe(0);
    return { generationId: joined.generationId, memberId: joined.memberId };
  }

  async function transaction(transactionalId: string, groupId: string) {
    const init = await client.request(Api.initProducerId, 1, { transactionalId, transactionTimeoutMs: 60000 });
    expect(init.errorCode).toBe(0);
    const ids = { transactionalId, producerId: init.producerId, producerEpoch: init.producerEpoch };
    const added = await client.request(Api.addOffsetsToTxn, 1, { ...ids, groupId });
    expect(added.errorCode).toBe(0);
    return ids;
  }

  function offsets(partition: number, committedOffset: number) {
    return [{ name: TOPIC, partitions: [{ partitionIndex: partition, committedOffset, committedMetadata: null }] }];
  }

  async function stableOffset(groupId: string, partition: number) {
    const fetched = await client.request(Api.offsetFetch, 7, {
      groupId,
      topics: [{ name: TOPIC, partitionIndexes: [partition] }],
      requireStable: true,
    });
    const p = fetched.topics[0]!.partitions[0]!;
    return { offset: p.committedOffset, errorCode: p.errorCode };
  }

  it("takes a current member's offsets, holds them unstable until the transaction commits", async () => {
    const groupId = "eos-v2-group";
    const { generationId, memberId } = await member(groupId);
    const ids = await transaction("eos-v2-a", groupId);
    const commit = await client.request(Api.txnOffsetCommit, 3, {
      ...ids,
      groupId,
      generationId,
      memberId,
      groupInstanceId: null,
      topics: offsets(0, 42),
    });
    expect(commit.topics[0]!.partitions[0]!.errorCode).toBe(0);

    expect(await stableOffset(groupId, 0)).toEqual({ offset: -1, errorCode: ErrorCode.UNSTABLE_OFFSET_COMMIT });
    // Another partition is stable; without requireStable the committed offset (none yet) is answered.
    expect(await stableOffset(groupId, 1)).toEqual({ offset: -1, errorCode: 0 });
    const unstable = await client.request(Api.offsetFetch, 5, {
      groupId,
      topics: [{ name: TOPIC, partitionIndexes: [0] }],
    });
    expect(unstable.topics[0]!.partitions[0]!.errorCode).toBe(0);

    const ended = await client.request(Api.endTxn, 1, { ...ids, committed: true });
    expect(ended.errorCode).toBe(0);
    expect(await stableOffset(groupId, 0)).toEqual({ offset: 42, errorCode: 0 });
  });

  it("refuses a zombie's offsets: an old generation, an unknown member, a fenced static member", async () => {
    const groupId = "eos-v2-zombies";
    const { generationId, memberId } = await member(groupId);
    const ids = await transaction("eos-v2-zombie", groupId);
    const codeOf = async (identity: { generationId: number; memberId: string; groupInstanceId: string | null }) => {
      const answer = await client.request(Api.txnOffsetCommit, 3, {
        ...ids,
        groupId,
        ...identity,
        topics: offsets(1, 7),
      });
      return answer.topics[0]!.partitions[0]!.errorCode;
    };
    expect(await codeOf({ generationId: generationId - 1, memberId, groupInstanceId: null })).toBe(
      ErrorCode.ILLEGAL_GENERATION,
    );
    expect(await codeOf({ generationId, memberId: "gone-member", groupInstanceId: null })).toBe(
      ErrorCode.UNKNOWN_MEMBER_ID,
    );
    // Nothing of the refused commits is pending.
    expect(await stableOffset(groupId, 1)).toEqual({ offset: -1, errorCode: 0 });
    // Without a member or generation (v2, or v3 left at its defaults) the producer's epoch is the only guard.
    expect(await codeOf({ generationId: -1, memberId: "", groupInstanceId: null })).toBe(0);
    const legacy = await client.request(Api.txnOffsetCommit, 2, { ...ids, groupId, topics: offsets(1, 8) });
    expect(legacy.topics[0]!.partitions[0]!.errorCode).toBe(0);
    expect((await client.request(Api.endTxn, 1, { ...ids, committed: false })).errorCode).toBe(0);
    expect(await stableOffset(groupId, 1)).toEqual({ offset: -1, errorCode: 0 });

    const staticGroup = "eos-v2-static";
    const first = await member(staticGroup, "instance-1");
    const staticIds = await transaction("eos-v2-static", staticGroup);
    // The same group.instance.id joins again: the first member id is fenced.
    const second = await member(staticGroup, "instance-1");
    expect(second.memberId).not.toBe(first.memberId);
    const fenced = await client.request(Api.txnOffsetCommit, 3, {
      ...staticIds,
      groupId: staticGroup,
      generationId: second.generationId,
      memberId: first.memberId,
      groupInstanceId: "instance-1",
      topics: offsets(0, 3),
    });
    expect(fenced.topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
    const current = await client.request(Api.txnOffsetCommit, 3, {
      ...staticIds,
      groupId: staticGroup,
      generationId: second.generationId,
      memberId: second.memberId,
      groupInstanceId: "instance-1",
      topics: offsets(0, 3),
    });
    expect(current.topics[0]!.partitions[0]!.errorCode).toBe(0);
  });
});
