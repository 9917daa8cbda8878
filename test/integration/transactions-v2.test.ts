// Transactions v2 (KIP-890 part 2) at the protocol level, on the Kafka under test: the cluster
// finalizes transaction.version 2, a Produce v12 or TxnOffsetCommit v5 adds its partition or
// group to the transaction without AddPartitionsToTxn / AddOffsetsToTxn, EndTxn v5 bumps the
// epoch and answers it, and a zombie holding an older epoch is refused everywhere. Run on
// Apache Kafka 4.x (EDDY_TEST_KAFKA=apache-4) it is the judge of the embedded broker's answers;
// Apache Kafka 3.9 finalizes no transaction.version and speaks none of these versions.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Api } from "../../src/broker/protocol/apis.js";
import { ErrorCode } from "../../src/broker/protocol/error-codes.js";
import { RawClient } from "../broker/support/raw-client.js";
import { buildBatch } from "../broker/support/record-batch-builder.js";
import { startKafkaUnderTest } from "../support/kafka-under-test/kafka-under-test.js";
import type { KafkaUnderTest } from "../support/kafka-under-test/kafka-under-test.js";
import { testKafkaSelection } from "../support/kafka-under-test/kafka-under-test.js";
import { readCommitted, silentLogger } from "./support/kafka.js";

const selection = testKafkaSelection();
const transactionsV2 = !(selection.kind === "apache" && selection.line === "3.9");

/** Answers meaning "not yet" on Apache Kafka: a coordinator loading, the last transaction's markers still being written. */
const NOT_YET = new Set<number>([
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
  ErrorCode.NOT_COORDINATOR,
  14, // COORDINATOR_LOAD_IN_PROGRESS
  ErrorCode.NOT_ENOUGH_REPLICAS,
  ErrorCode.CONCURRENT_TRANSACTIONS,
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
]);

async function untilSettled<T>(ask: () => Promise<T>, code: (answer: T) => number): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const answer = await ask();
    if (!NOT_YET.has(code(answer)) || Date.now() > deadline) return answer;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("transactions v2", () => {
  let kafka: KafkaUnderTest;
  let client: RawClient;

  beforeAll(async () => {
    kafka = await startKafkaUnderTest({ logger: silentLogger });
    client = await RawClient.connect(kafka.bootstrap.split(",")[0]!);
    const created = await client.request(Api.createTopics, 4, {
      topics: ["tv2-out", "tv2-in"].map((name) => ({
        name,
        numPartitions: 1,
        replicationFactor: 1,
        assignments: [],
        configs: [],
      })),
      timeoutMs: 10_000,
      validateOnly: false,
    });
    expect(created.topics.map((t) => t.errorCode)).toEqual([0, 0]);
  }, 120_000);

  afterAll(async () => {
    client?.close();
    await kafka?.close();
  });

  it(`${transactionsV2 ? "finalizes" : "does not finalize"} transaction.version 2`, async () => {
    const answer = await client.request(Api.apiVersions, 3, {
      clientSoftwareName: "eddy-test",
      clientSoftwareVersion: "1",
    });
    expect(answer.errorCode).toBe(0);
    const finalized = answer.finalizedFeatures.find((f) => f.name === "transaction.version");
    expect(finalized?.maxVersionLevel ?? 0).toBe(transactionsV2 ? 2 : 0);
    expect(answer.finalizedFeaturesEpoch >= 0).toBe(true);
    const maxVersion = (apiKey: number) => answer.apiKeys.find((k) => k.apiKey === apiKey)?.maxVersion ?? 0;
    expect(maxVersion(26) >= 5).toBe(transactionsV2);
    expect(maxVersion(28) >= 5).toBe(transactionsV2);
    expect(maxVersion(0) >= 12).toBe(transactionsV2);
  });

  if (!transactionsV2) return;

  const init = (transactionalId: string) =>
    untilSettled(
      () => client.request(Api.initProducerId, 1, { transactionalId, transactionTimeoutMs: 60_000 }),
      (a) => a.errorCode,
    );

  const produce = (
    transactionalId: string,
    producerId: number,
    producerEpoch: number,
    sequence: number,
    value: string,
  ) =>
    untilSettled(
      async () =>
        (
          await client.request(Api.produce, 12, {
            transactionalId,
            acks: -1,
            timeoutMs: 10_000,
            topicData: [
              {
                name: "tv2-out",
                partitionData: [
                  {
                    index: 0,
                    records: buildBatch([{ key: null, value: Buffer.from(value) }], {
                      producerId,
                      producerEpoch,
                      baseSequence: sequence,
                      transactional: true,
                    }),
                  },
                ],
              },
            ],
          })
        ).responses[0]!.partitionResponses[0]!,
      (p) => p.errorCode,
    );

  const commitOffset = (transactionalId: string, producerId: number, producerEpoch: number, offset: number) =>
    untilSettled(
      async () =>
        (
          await client.request(Api.txnOffsetCommit, 5, {
            transactionalId,
            groupId: "tv2-group",
            producerId,
            producerEpoch,
            generationId: -1,
            memberId: "",
            groupInstanceId: null,
            topics: [
              { name: "tv2-in", partitions: [{ partitionIndex: 0, committedOffset: offset, committedMetadata: null }] },
            ],
          })
        ).topics[0]!.partitions[0]!,
      (p) => p.errorCode,
    );

  const endTxn = (transactionalId: string, producerId: number, producerEpoch: number, committed: boolean) =>
    untilSettled(
      () => client.request(Api.endTxn, 5, { transactionalId, producerId, producerEpoch, committed }),
      (a) => a.errorCode,
    );

  it("adds partitions and offsets without AddPartitionsToTxn or AddOffsetsToTxn, and bumps the epoch at every end", async () => {
    const id = "tv2-plain";
    const { producerId, producerEpoch, errorCode } = await init(id);
    expect(errorCode).toBe(0);
    expect((await produce(id, producerId, producerEpoch, 0, "committed-1")).errorCode).toBe(0);
    expect((await commitOffset(id, producerId, producerEpoch, 41)).errorCode).toBe(0);
    const committed = await endTxn(id, producerId, producerEpoch, true);
    expect(committed).toMatchObject({ errorCode: 0, producerId, producerEpoch: producerEpoch + 1 });

    // The next transaction: the new epoch, its sequences from 0.
    expect((await produce(id, producerId, producerEpoch + 1, 0, "aborted-1")).errorCode).toBe(0);
    expect((await commitOffset(id, producerId, producerEpoch + 1, 99)).errorCode).toBe(0);
    const aborted = await endTxn(id, producerId, producerEpoch + 1, false);
    expect(aborted).toMatchObject({ errorCode: 0, producerId, producerEpoch: producerEpoch + 2 });
    // A retry of that EndTxn, its answer lost, is answered again with the bumped epoch.
    expect(await endTxn(id, producerId, producerEpoch + 1, false)).toMatchObject({
      errorCode: 0,
      producerId,
      producerEpoch: producerEpoch + 2,
    });

    const values = await readUntil(["committed-1"]);
    expect(values).toEqual(["committed-1"]);
    const offsets = await untilSettled(
      () =>
        client.request(Api.offsetFetch, 7, {
          groupId: "tv2-group",
          topics: [{ name: "tv2-in", partitionIndexes: [0] }],
          requireStable: true,
        }),
      (a) => a.topics[0]?.partitions[0]?.errorCode ?? a.errorCode,
    );
    expect(offsets.topics[0]!.partitions[0]!.committedOffset).toBe(41);
    // Once the markers are written (Apache Kafka writes them after answering EndTxn, and takes
    // a late batch of the ending transaction until then), the partition refuses the old epochs.
    await markersWritten();
    expect((await produce(id, producerId, producerEpoch + 1, 1, "stale")).errorCode).toBe(
      ErrorCode.INVALID_PRODUCER_EPOCH,
    );
  });

  it("aborts a transaction it never saw start (the producer cannot know whether a failed Produce added it), not commits", async () => {
    const id = "tv2-empty";
    const { producerId, producerEpoch } = await init(id);
    expect(await endTxn(id, producerId, producerEpoch, false)).toMatchObject({
      errorCode: 0,
      producerId,
      producerEpoch: producerEpoch + 1,
    });
    expect((await endTxn(id, producerId, producerEpoch + 1, true)).errorCode).toBe(ErrorCode.INVALID_TXN_STATE);
  });

  it("fences a zombie whose epoch a newer producer's InitProducerId passed, after bumps of its own", async () => {
    const id = "tv2-zombie";
    const first = await init(id);
    expect((await produce(id, first.producerId, first.producerEpoch, 0, "zombie-committed")).errorCode).toBe(0);
    const bumped = await endTxn(id, first.producerId, first.producerEpoch, true);
    expect(bumped.producerEpoch).toBe(first.producerEpoch + 1);
    const zombie = { producerId: bumped.producerId, producerEpoch: bumped.producerEpoch };
    expect((await produce(id, zombie.producerId, zombie.producerEpoch, 0, "zombie-open")).errorCode).toBe(0);

    // A new owner: its InitProducerId aborts the zombie's open transaction and takes a newer epoch.
    const owner = await init(id);
    expect(owner.errorCode).toBe(0);
    expect(owner.producerEpoch).toBeGreaterThan(zombie.producerEpoch);

    expect((await produce(id, zombie.producerId, zombie.producerEpoch, 1, "zombie-late")).errorCode).toBe(
      ErrorCode.INVALID_PRODUCER_EPOCH,
    );
    expect((await commitOffset(id, zombie.producerId, zombie.producerEpoch, 7)).errorCode).toBe(
      ErrorCode.INVALID_PRODUCER_EPOCH,
    );
    expect((await endTxn(id, zombie.producerId, zombie.producerEpoch, true)).errorCode).toBe(ErrorCode.PRODUCER_FENCED);

    expect((await produce(id, owner.producerId, owner.producerEpoch, 0, "owner-committed")).errorCode).toBe(0);
    expect((await endTxn(id, owner.producerId, owner.producerEpoch, true)).errorCode).toBe(0);
    const values = await readUntil(["committed-1", "zombie-committed", "owner-committed"]);
    expect(values).toEqual(["committed-1", "zombie-committed", "owner-committed"]);
  });

  /** Resolves once tv2-out's last stable offset is its end: no transaction is open on it. */
  async function markersWritten(): Promise<void> {
    const offset = async (isolationLevel: number) =>
      (
        await client.request(Api.listOffsets, 2, {
          replicaId: -1,
          isolationLevel,
          topics: [{ name: "tv2-out", partitions: [{ partitionIndex: 0, timestamp: -1 }] }],
        })
      ).topics[0]!.partitions[0]!.offset;
    const deadline = Date.now() + 20_000;
    while ((await offset(1)) !== (await offset(0)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** The committed values of tv2-out once `expected` are all there (Apache writes markers after EndTxn answers). */
  async function readUntil(expected: readonly string[]): Promise<string[]> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const values = (await readCommitted(kafka.bootstrap, "tv2-out")).map((r) => r.value?.toString() ?? "");
      if (expected.every((v) => values.includes(v)) || Date.now() > deadline) return values;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
});
