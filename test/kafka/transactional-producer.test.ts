import kafkajs from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Api } from "../../src/broker/protocol/apis.js";
import { KafkaAdmin } from "../../src/kafka/admin-client.js";
import { createKafkaClient } from "../../src/kafka/client.js";
import { Kip447UnavailableError, classifyKafkaError, kafkaErrorType } from "../../src/kafka/errors.js";
import { PartitionReader } from "../../src/kafka/partition-reader.js";
import { TransactionalProducer } from "../../src/kafka/transactional-producer.js";
import type { GroupMetadata } from "../../src/kafka/types.js";
import { RawClient } from "../broker/support/raw-client.js";
import { expectedTransactionVersion } from "../support/kafka-under-test/transaction-version.js";
import {
  createTopic,
  eventually,
  readCommitted,
  silentLogger,
  startTestCluster,
} from "../integration/support/kafka.js";
import type { TestCluster } from "../integration/support/kafka.js";

describe("TransactionalProducer", () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startTestCluster();
    await createTopic(cluster.kafka, "in", 1);
    await createTopic(cluster.kafka, "out", 2);
  });

  afterAll(async () => {
    await cluster.close();
  });

  it("sends records and offsets at the same time into one transaction it begins once, and commits both", async () => {
    const kafka = createKafkaClient({
      clientId: "txn-test",
      brokers: [cluster.bootstrap],
      logger: silentLogger,
    });
    const producer = new TransactionalProducer(kafka, {
      transactionalId: "txn-test-0_0",
      transactionTimeoutMs: 10_000,
    });
    const admin = new KafkaAdmin(kafka, silentLogger);
    await admin.connect();
    try {
      await producer.init();
      // init() leaves a transaction open; a commit with nothing in it ends it, so the
      // next send and sendOffsets both find none open and must share the beginning.
      await producer.commit();
      const records = Array.from({ length: 10 }, (_, i) => ({
        topic: "out",
        partition: i % 2,
        key: Buffer.from(`k${i}`),
        value: Buffer.from(`v${i}`),
      }));
      const [produced] = await Promise.all([
        producer.send(records),
        producer.sendOffsets("txn-group", [{ topic: "in", partition: 0, offset: 42 }]),
      ]);
      expect(produced.map((p) => [p.partition, p.lastOffset - p.baseOffset + 1]).sort()).toEqual([
        [0, 5],
        [1, 5],
      ]);
      expect(await readCommitted(cluster.bootstrap, "out")).toEqual([]);
      await producer.commit();
      // Apache Kafka writes the commit markers just after EndTxn answers.
      const committed = await eventually(async () => {
        const all = await readCommitted(cluster.bootstrap, "out");
        return all.length >= records.length ? all : undefined;
      });
      expect(committed.map((r) => r.value?.toString()).sort()).toEqual(records.map((r) => r.value.toString()).sort());
      expect([...(await admin.committedOffsets("txn-group", [{ topic: "in", partition: 0 }]))]).toEqual([["in|0", 42]]);
    } finally {
      await producer.close();
      await admin.close();
    }
  });

  it("adds a transaction's partitions in one AddPartitionsToTxn and sends them all in one Produce request", async () => {
    await createTopic(cluster.kafka, "wide-a", 3);
    await createTopic(cluster.kafka, "wide-b", 3);
    const kafka = createKafkaClient({ clientId: "txn-wide", brokers: [cluster.bootstrap], logger: silentLogger });
    // The requests kafkajs sends for the producer TransactionalProducer makes, by API.
    const requests = new Map<string, number>();
    const makeProducer = kafka.producer.bind(kafka);
    kafka.producer = (config) => {
      const made = makeProducer(config);
      made.on(made.events.REQUEST, ({ payload }) => {
        requests.set(payload.apiName, (requests.get(payload.apiName) ?? 0) + 1);
      });
      return made;
    };
    // A first transaction, aborted (so that read_committed never sees it), sends to every
    // partition once: Apache Kafka may refuse a produce to a partition it has just created
    // (its leader not loaded yet), and kafkajs' retry of it is not what this test counts.
    const warmUp = new TransactionalProducer(kafka, {
      transactionalId: "txn-wide-warm-up",
      transactionTimeoutMs: 10_000,
    });
    try {
      await warmUp.init();
      await warmUp.send(
        ["wide-a", "wide-b"].flatMap((topic) =>
          [0, 1, 2].map((partition) => ({ topic, partition, key: null, value: Buffer.from("warm-up") })),
        ),
      );
      await warmUp.abort();
    } finally {
      await warmUp.close();
    }
    // One producer per round: right after a commit, Apache Kafka answers a producer's next
    // AddPartitionsToTxn with CONCURRENT_TRANSACTIONS until it has written the markers, and
    // those retries are Kafka's, not extra adds. A second transactional id starts clean.
    for (const round of [1, 2]) {
      const producer = new TransactionalProducer(kafka, {
        transactionalId: `txn-wide-${round}`,
        transactionTimeoutMs: 10_000,
      });
      try {
        await producer.init();
        requests.clear();
        const records = Array.from({ length: 60 }, (_, i) => ({
          topic: i % 2 === 0 ? "wide-a" : "wide-b",
          partition: i % 3,
          key: Buffer.from(`k${round}-${i}`),
          value: Buffer.from(`v${round}-${i}`),
        }));
        const produced = await producer.send(records);
        expect(produced.map((p) => `${p.topic}|${p.partition}|${p.lastOffset - p.baseOffset + 1}`).sort()).toEqual([
          "wide-a|0|10",
          "wide-a|1|10",
          "wide-a|2|10",
          "wide-b|0|10",
          "wide-b|1|10",
          "wide-b|2|10",
        ]);
        // A second send into the same transaction adds nothing. Under transactions v2 the
        // leaders add the partitions (Produce v12): the client sends no AddPartitionsToTxn.
        await producer.send([{ topic: "wide-a", partition: 1, key: null, value: Buffer.from(`last-${round}`) }]);
        expect(producer.transactionVersion).toBe(expectedTransactionVersion());
        expect(requests.get("AddPartitionsToTxn") ?? 0).toBe(expectedTransactionVersion() === 2 ? 0 : 1);
        expect(requests.get("Produce")).toBe(2);
        await producer.commit();
      } finally {
        await producer.close();
      }
    }
    const committed = await eventually(async () => {
      const all = [
        ...(await readCommitted(cluster.bootstrap, "wide-a")),
        ...(await readCommitted(cluster.bootstrap, "wide-b")),
      ];
      return all.length >= 122 ? all : undefined;
    });
    expect(committed).toHaveLength(122);
    expect(new Set(committed.map((r) => r.value?.toString())).size).toBe(122);
  });

  it("tracks every Produce request of its sends in its ledger, the lean encoder's included", async () => {
    const kafka = createKafkaClient({ clientId: "txn-ledger", brokers: [cluster.bootstrap], logger: silentLogger });
    const producer = new TransactionalProducer(kafka, {
      transactionalId: "txn-ledger-0",
      transactionTimeoutMs: 10_000,
    });
    try {
      await producer.init();
      await producer.send(
        [0, 1].map((partition) => ({ topic: "out", partition, key: null, value: Buffer.from(`ledger-${partition}`) })),
      );
      // The ledger decides whether a failed send may be retried: a request it does not see
      // would let a retry send again records already answered.
      const { ledger } = (producer as unknown as { produceLedger: { ledger: { answered: number } } }).produceLedger;
      expect(ledger.answered).toBeGreaterThan(0);
      await producer.commit();
    } finally {
      await producer.close();
    }
  });

  /** A member of `groupId` that stays in it (protocol level: JoinGroup v5, SyncGroup). */
  async function joinGroup(client: RawClient, groupId: string): Promise<GroupMetadata> {
    const request = (memberId: string) =>
      client.request(Api.joinGroup, 5, {
        groupId,
        sessionTimeoutMs: 60_000,
        rebalanceTimeoutMs: 60_000,
        memberId,
        groupInstanceId: null,
        protocolType: "consumer",
        protocols: [{ name: "range", metadata: Buffer.from([0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]) }],
      });
    let joined = await request("");
    if (joined.errorCode !== 0) joined = await request(joined.memberId);
    expect(joined.errorCode).toBe(0);
    const synced = await client.request(Api.syncGroup, 3, {
      groupId,
      generationId: joined.generationId,
      memberId: joined.memberId,
      groupInstanceId: null,
      assignments: [{ memberId: joined.memberId, assignment: Buffer.alloc(0) }],
    });
    expect(synced.errorCode).toBe(0);
    return { groupId, generationId: joined.generationId, memberId: joined.memberId, groupInstanceId: null };
  }

  it("exactly_once_v2: commits offsets with the group's generation; a zombie's are refused and its transaction aborts", async () => {
    const groupId = "v2-group";
    const kafka = createKafkaClient({ clientId: "v2-test", brokers: [cluster.bootstrap], logger: silentLogger });
    const client = await RawClient.connect(cluster.bootstrap);
    const reader = await PartitionReader.connect(kafka, "v2-test-reader");
    const member = await joinGroup(client, groupId);
    let metadata = member;
    const producer = new TransactionalProducer(kafka, {
      transactionalId: "v2-test-process-1",
      transactionTimeoutMs: 10_000,
      groupMetadata: () => metadata,
    });
    const record = (value: string) => ({
      topic: "out",
      partition: 0,
      key: Buffer.from("k"),
      value: Buffer.from(value),
    });
    const stable = () => reader.stableCommittedOffsets(groupId, [{ topic: "in", partition: 0 }]);
    // Apache Kafka completes a transaction's offsets just after EndTxn answers: until then they are unstable.
    const settled = () => eventually(() => stable(), 10_000, "stable offsets");
    try {
      await producer.init();
      await producer.send([record("current")]);
      await producer.sendOffsets(groupId, [{ topic: "in", partition: 0, offset: 42 }]);
      // The offset is pending in the open transaction: a stable read must wait for it.
      const unstable = await stable().catch((error: unknown) => error);
      expect(kafkaErrorType(unstable)).toBe("UNSTABLE_OFFSET_COMMIT");
      expect(classifyKafkaError(unstable)).toBe("retriable");
      await producer.commit();
      expect([...(await settled())]).toEqual([["in|0", 42]]);

      // The same producer as a zombie: its consumer's generation is gone.
      metadata = { ...member, generationId: member.generationId - 1 };
      await producer.send([record("zombie")]);
      const refused = await producer.sendOffsets(groupId, [{ topic: "in", partition: 0, offset: 50 }]).catch((e) => e);
      expect(kafkaErrorType(refused)).toBe("ILLEGAL_GENERATION");
      expect(classifyKafkaError(refused)).toBe("rebalance");
      await producer.abort();
      metadata = { ...member, memberId: "gone" };
      await producer.send([record("unknown member")]);
      const unknown = await producer.sendOffsets(groupId, [{ topic: "in", partition: 0, offset: 51 }]).catch((e) => e);
      expect(kafkaErrorType(unknown)).toBe("UNKNOWN_MEMBER_ID");
      await producer.abort();

      expect((await readCommitted(cluster.bootstrap, "out")).map((r) => r.value?.toString())).toContain("current");
      expect((await readCommitted(cluster.bootstrap, "out")).map((r) => r.value?.toString())).not.toContain("zombie");
      expect([...(await settled())]).toEqual([["in|0", 42]]);
    } finally {
      await producer.close();
      await reader.close();
      // The broker is reused by other suites once its groups are empty.
      await client.request(Api.leaveGroup, 1, { groupId, memberId: member.memberId });
      client.close();
    }
  });

  it("exactly_once_v2 needs a client Eddy made (its seam sends TxnOffsetCommit v3)", async () => {
    const foreign = new kafkajs.Kafka({ brokers: [cluster.bootstrap], logLevel: kafkajs.logLevel.NOTHING });
    const producer = new TransactionalProducer(foreign, {
      transactionalId: "v2-foreign",
      transactionTimeoutMs: 10_000,
      groupMetadata: () => ({ groupId: "g", generationId: 1, memberId: "m", groupInstanceId: null }),
    });
    await expect(producer.init()).rejects.toBeInstanceOf(Kip447UnavailableError);
    await producer.close();
  });
});
