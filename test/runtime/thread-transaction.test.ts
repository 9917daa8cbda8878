// The stream thread's transaction (exactly-once v2) on a broker: one commit for every running
// task's records and positions, offsets carrying the group's generation; a doomed transaction
// refuses commits and sends until reset() aborts it (its records never become visible); a
// task revoked before its work was committed aborts the commit instead. Every task's commit
// interval counts from the thread's last commit, and one falling due while the last commit is
// still ending is put off until that one ended.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Api } from "../../src/broker/protocol/apis.js";
import { createKafkaClient } from "../../src/kafka/client.js";
import { classifyKafkaError } from "../../src/kafka/errors.js";
import { PartitionReader } from "../../src/kafka/partition-reader.js";
import type { GroupMetadata, ProducedOffsets, ProducedRecord } from "../../src/kafka/types.js";
import { TaskMigratedError } from "../../src/runtime/errors.js";
import { DEFER_AT_MOST_MS, ThreadTransaction } from "../../src/runtime/thread-transaction.js";
import type { CommittingTask, TaskCommit } from "../../src/runtime/thread-transaction.js";
import { RawClient } from "../broker/support/raw-client.js";
import {
  createTopic,
  eventually,
  readCommitted,
  silentLogger,
  startTestCluster,
} from "../integration/support/kafka.js";
import type { TestCluster } from "../integration/support/kafka.js";

const GROUP = "thread-txn-group";

/** A task as the thread's commit sees it: records to add, its position, what the commit told it. */
class Task implements CommittingTask {
  state = "running";
  pending: ProducedRecord[] = [];
  completed: ProducedOffsets[][] = [];
  gateClosed = 0;
  failures: unknown[] = [];

  constructor(
    readonly id: string,
    readonly partition: number,
    public position: number,
  ) {}

  prepareCommit(): Promise<TaskCommit | undefined> {
    if (this.state !== "running") return Promise.resolve(undefined);
    const records = this.pending;
    this.pending = [];
    return Promise.resolve({
      records,
      offsets: [{ topic: "thread-in", partition: this.partition, offset: this.position }],
      closeReadGate: () => {
        this.gateClosed += 1;
      },
      complete: (produced) => {
        this.completed.push([...produced]);
        return Promise.resolve();
      },
      failed: (error) => {
        this.failures.push(error);
      },
    });
  }
}

describe("ThreadTransaction", () => {
  let cluster: TestCluster;
  let raw: RawClient;
  let member: GroupMetadata;

  beforeAll(async () => {
    cluster = await startTestCluster();
    await createTopic(cluster.kafka, "thread-in", 2);
    await createTopic(cluster.kafka, "thread-out", 2);
    await createTopic(cluster.kafka, "thread-background-out", 1);
    raw = await RawClient.connect(cluster.bootstrap);
    const join = (memberId: string) =>
      raw.request(Api.joinGroup, 5, {
        groupId: GROUP,
        sessionTimeoutMs: 60_000,
        rebalanceTimeoutMs: 60_000,
        memberId,
        groupInstanceId: null,
        protocolType: "consumer",
        protocols: [{ name: "range", metadata: Buffer.from([0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]) }],
      });
    let joined = await join("");
    if (joined.errorCode !== 0) joined = await join(joined.memberId);
    await raw.request(Api.syncGroup, 3, {
      groupId: GROUP,
      generationId: joined.generationId,
      memberId: joined.memberId,
      groupInstanceId: null,
      assignments: [{ memberId: joined.memberId, assignment: Buffer.alloc(0) }],
    });
    member = { groupId: GROUP, generationId: joined.generationId, memberId: joined.memberId, groupInstanceId: null };
  });

  afterAll(async () => {
    // The broker is reused by other suites once its groups are empty.
    await raw.request(Api.leaveGroup, 1, { groupId: GROUP, memberId: member.memberId });
    raw.close();
    await cluster.close();
  });

  it("commits every running task's records and positions in one transaction, and aborts a doomed one", async () => {
    const kafka = createKafkaClient({ clientId: "thread-txn", brokers: [cluster.bootstrap], logger: silentLogger });
    const reader = await PartitionReader.connect(kafka, "thread-txn-reader");
    const tasks = [new Task("0_0", 0, 10), new Task("0_1", 1, 20)];
    const assigned = new Set(["0_0", "0_1"]);
    const thread = new ThreadTransaction({
      kafka,
      transactionalId: "thread-txn-process-1",
      transactionTimeoutMs: 10_000,
      deliveryTimeoutMs: 30_000,
      groupId: GROUP,
      groupMetadata: () => member,
      tasks: () => tasks,
      isAssigned: (id) => assigned.has(id),
      maxBatchBytes: () => 1024 * 1024,
      logger: silentLogger,
    });
    const out = (partition: number, value: string): ProducedRecord => ({
      topic: "thread-out",
      partition,
      key: Buffer.from("k"),
      value: Buffer.from(value),
    });
    // Apache Kafka completes a transaction's offsets just after EndTxn answers: until then they are unstable.
    const stable = () =>
      eventually(
        () =>
          reader.stableCommittedOffsets(GROUP, [
            { topic: "thread-in", partition: 0 },
            { topic: "thread-in", partition: 1 },
          ]),
        10_000,
        "stable offsets",
      );
    // What read_committed sees once at least `count` records show (Kafka writes markers just after EndTxn).
    const outputs = async (count: number) => {
      const records = await eventually(
        async () => {
          const all = await readCommitted(cluster.bootstrap, "thread-out");
          return all.length >= count ? all : undefined;
        },
        10_000,
        "the committed outputs",
      );
      return records.map((r) => r.value?.toString()).sort();
    };
    try {
      expect(thread.transactionalId).toBe("thread-txn-process-1");
      await thread.init();
      // A background flush, then the commit's own records.
      await thread.send([out(0, "a1")]);
      tasks[0]!.pending.push(out(0, "a2"));
      tasks[1]!.pending.push(out(1, "b1"));
      // Every task's commit interval counts from the thread's last commit (or its start).
      const started = thread.lastCommitAt;
      const committing = Date.now();
      await thread.locked(() => thread.commit());
      expect(thread.lastCommitAt).toBeGreaterThanOrEqual(Math.max(started, committing));
      const lastCommit = thread.lastCommitAt;
      expect(await outputs(3)).toEqual(["a1", "a2", "b1"]);
      expect([...(await stable())].sort()).toEqual([
        ["thread-in|0", 10],
        ["thread-in|1", 20],
      ]);
      expect(tasks.map((t) => [t.gateClosed, t.completed.length])).toEqual([
        [1, 1],
        [1, 1],
      ]);

      // A task lost its work: nothing more may be sent or committed until reset() aborted it.
      await thread.send([out(1, "lost")]);
      const failure = new TaskMigratedError("a test dooms it");
      thread.doom(failure);
      expect(thread.doomed).toBe(failure);
      await expect(thread.send([out(1, "refused")])).rejects.toBe(failure);
      await expect(thread.commit()).rejects.toBe(failure);
      await thread.locked(() => thread.reset());
      expect(thread.doomed).toBeUndefined();

      // A task revoked before its work was committed: the commit aborts instead.
      assigned.delete("0_1");
      tasks[1]!.position = 25;
      const revoked = await thread.commit().catch((error: unknown) => error);
      expect(revoked).toBeInstanceOf(TaskMigratedError);
      expect(classifyKafkaError(revoked)).toBe("rebalance");
      expect(thread.doomed).toBe(revoked);
      // A commit that failed did not start a new interval.
      expect(thread.lastCommitAt).toBe(lastCommit);
      await thread.reset();
      assigned.add("0_1");
      tasks[1]!.state = "suspended";
      tasks[0]!.position = 11;
      tasks[0]!.pending.push(out(0, "a3"));
      await thread.commit();

      expect(await outputs(4)).toEqual(["a1", "a2", "a3", "b1"]);
      expect([...(await stable())].sort()).toEqual([
        ["thread-in|0", 11],
        ["thread-in|1", 20],
      ]);
    } finally {
      await thread.close();
      await thread.close();
      await reader.close();
    }
  });
  it("ends a commit in the background: sends made meanwhile join the next transaction, a failure reaches the tasks", async () => {
    const kafka = createKafkaClient({ clientId: "thread-bg", brokers: [cluster.bootstrap], logger: silentLogger });
    const reader = await PartitionReader.connect(kafka, "thread-bg-reader");
    const tasks = [new Task("0_0", 0, 30)];
    const thread = new ThreadTransaction({
      kafka,
      transactionalId: "thread-txn-background-1",
      transactionTimeoutMs: 10_000,
      deliveryTimeoutMs: 30_000,
      groupId: GROUP,
      groupMetadata: () => member,
      tasks: () => tasks,
      isAssigned: () => true,
      maxBatchBytes: () => 1024 * 1024,
      logger: silentLogger,
    });
    const out = (value: string): ProducedRecord => ({
      topic: "thread-background-out",
      partition: 0,
      key: Buffer.from("k"),
      value: Buffer.from(value),
    });
    const committedValues = async () =>
      (await readCommitted(cluster.bootstrap, "thread-background-out")).map((r) => r.value?.toString());
    try {
      await thread.init();
      tasks[0]!.pending.push(out("c1"));
      await thread.locked(() => thread.commit({ inBackground: true }));
      // A commit falling due now is put off while this one ends, for DEFER_AT_MOST_MS at most.
      expect(thread.committing(Date.now())).toBe(true);
      expect(thread.committing(Date.now() + DEFER_AT_MOST_MS)).toBe(false);
      // The commit goes on without the lock; a send made now belongs to the next transaction.
      const sentLater = thread.send([out("c2")]);
      await thread.settled();
      expect(thread.committing(Date.now())).toBe(false);
      expect(tasks[0]!.completed.length).toBe(1);
      await eventually(async () => ((await committedValues()).includes("c1") ? true : undefined), 10_000, "c1");
      await sentLater;
      expect(await committedValues()).toEqual(["c1"]);

      // Doomed while the commit is in flight (a task failed meanwhile): it aborts, the tasks hear of it.
      tasks[0]!.position = 31;
      tasks[0]!.pending.push(out("c3"));
      const failure = new TaskMigratedError("a test dooms the commit in flight");
      await thread.locked(() => thread.commit({ inBackground: true }));
      thread.doom(failure);
      await thread.settled();
      expect(tasks[0]!.failures).toEqual([failure]);
      expect(tasks[0]!.completed.length).toBe(1);
      expect(thread.claimFailure()).toBe(true);
      expect(thread.claimFailure()).toBe(false);
      await expect(thread.commit()).rejects.toBe(failure);
      await thread.locked(() => thread.reset());

      // After reset() the next transaction commits; c2 and c3 went with the aborted one.
      tasks[0]!.pending.push(out("c4"));
      await thread.locked(() => thread.commit());
      await eventually(async () => ((await committedValues()).includes("c4") ? true : undefined), 10_000, "c4");
      expect(await committedValues()).toEqual(["c1", "c4"]);
      const stable = await eventually(
        () => reader.stableCommittedOffsets(GROUP, [{ topic: "thread-in", partition: 0 }]),
        10_000,
        "stable offsets",
      );
      expect(stable.get("thread-in|0")).toBe(31);
    } finally {
      await thread.close();
      await reader.close();
    }
  });
});
