// The fetch ahead of processing (src/kafka/kafkajs/fetch-ahead.ts): the next Fetch goes out
// while a batch is processed, its answer is kept for one broker at a time (bounded by the
// request's maxBytes however slow the processing), and it is handed out only when kafkajs'
// own request asks for exactly what it fetched: a batch processed only in part, a seek, a
// new assignment or aborted transactions never make a record come twice, out of order or
// from a partition this member no longer owns.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKafkaClient } from "../../../src/kafka/client.js";
import { GroupConsumer } from "../../../src/kafka/group-consumer.js";
import type { ConsumedBatch, GroupConsumerHandlers, ReceivedAssignment } from "../../../src/kafka/group-consumer.js";
import { aheadOf, covers } from "../../../src/kafka/kafkajs/fetch-ahead.js";
import type { FetchAheadStats } from "../../../src/kafka/kafkajs/fetch-ahead.js";
import { fastPathsAllowedByEnvironment } from "../../../src/kafka/kafkajs/probe.js";
import { createTopic, eventually, produce, silentLogger, startTestCluster } from "../../integration/support/kafka.js";
import type { TestCluster } from "../../integration/support/kafka.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function request(offsets: Record<number, number>, extra: Record<string, unknown> = {}) {
  return {
    maxWaitTime: 100,
    minBytes: 1,
    maxBytes: 1000,
    isolationLevel: 1,
    ...extra,
    topics: [
      {
        topic: "t",
        partitions: Object.entries(offsets).map(([p, o]) => ({
          partition: Number(p),
          fetchOffset: String(o),
          maxBytes: 100,
        })),
      },
    ],
  };
}

function answer(lastOffsets: Record<number, number | undefined>) {
  return {
    responses: [
      {
        topicName: "t",
        partitions: Object.entries(lastOffsets).map(([p, last]) => ({
          partition: Number(p),
          messages: last === undefined ? [] : [{ offset: String(last - 1) }, { offset: String(last) }],
        })),
      },
    ],
  };
}

describe("fetching ahead: which answers may be handed out", () => {
  it("asks again from past each partition's last entry, and not at all when the answer was empty", () => {
    const next = aheadOf(request({ 0: 5, 1: 7, 2: 9 }), answer({ 0: 12, 1: undefined, 2: 9 }));
    expect(next?.topics[0]?.partitions.map((p) => [p.partition, p.fetchOffset])).toEqual([
      [0, "13"],
      [1, "7"],
      // An entry below the offset asked for (kafkajs drops it) moves nothing.
      [2, "10"],
    ]);
    expect(next?.maxBytes).toBe(1000);
    expect(aheadOf(request({ 0: 5 }), answer({ 0: undefined }))).toBeUndefined();
  });

  it("is used only for the same offsets, limits and isolation level, and for fewer partitions", () => {
    const ahead = request({ 0: 13, 1: 7 });
    expect(covers(ahead, request({ 0: 13, 1: 7 }))).toBe(true);
    // A paused or revoked partition: the answer is cut to what is asked for.
    expect(covers(ahead, request({ 1: 7 }))).toBe(true);
    // Processing stopped inside the batch, or a seek: positions differ.
    expect(covers(ahead, request({ 0: 12, 1: 7 }))).toBe(false);
    // A resumed or newly assigned partition.
    expect(covers(ahead, request({ 0: 13, 1: 7, 2: 0 }))).toBe(false);
    expect(covers(ahead, request({ 0: 13, 1: 7 }, { isolationLevel: 0 }))).toBe(false);
    expect(covers(ahead, request({ 0: 13, 1: 7 }, { maxBytes: 2000 }))).toBe(false);
  });
});

interface Reader {
  consumer: GroupConsumer;
  consumed: Array<{ partition: number; offset: number; value: string }>;
  assignments: ReceivedAssignment[];
  /** Batches handed out for a partition outside the member's latest assignment. */
  strays: string[];
}

function reader(
  cluster: TestCluster,
  options: {
    name: string;
    groupId: string;
    topic: string;
    partitions: number;
    /** Processes the batch; returns the last offset processed (undefined: none). */
    onBatch?: (batch: ConsumedBatch, self: Reader) => Promise<number | undefined>;
  },
): Reader {
  const kafka = createKafkaClient({ clientId: options.name, brokers: [cluster.bootstrap], logger: silentLogger });
  const self: Reader = { consumer: undefined as unknown as GroupConsumer, consumed: [], assignments: [], strays: [] };
  const processAll = async (batch: ConsumedBatch): Promise<number | undefined> => {
    let last: number | undefined;
    for (const record of batch.records) {
      if (batch.isStale()) break;
      self.consumed.push({ partition: record.partition, offset: record.offset, value: String(record.value) });
      last = record.offset;
    }
    return last;
  };
  const handlers: GroupConsumerHandlers = {
    subscriptionUserData: () => Buffer.alloc(0),
    assign: async (members) => {
      const ids = members.map((m) => m.memberId).sort();
      return ids.map((memberId, i) => ({
        memberId,
        partitions: Array.from({ length: options.partitions }, (_, p) => p)
          .filter((p) => p % ids.length === i)
          .map((partition) => ({ topic: options.topic, partition })),
        userData: Buffer.alloc(0),
      }));
    },
    onAssigned: (assignment) => self.assignments.push(assignment),
    onRebalance: async () => undefined,
    onHeartbeat: () => undefined,
    onBatch: async (batch) => {
      const owned = self.assignments.at(-1)?.partitions.some((p) => p.partition === batch.partition) ?? false;
      if (!owned && batch.records.length > 0) self.strays.push(`${batch.partition}@${batch.records[0]!.offset}`);
      const last = await (options.onBatch ?? processAll)(batch, self);
      if (last !== undefined) batch.resolve(last);
    },
    onCrash: (error) => {
      throw error;
    },
  };
  self.consumer = new GroupConsumer(
    kafka,
    {
      groupId: options.groupId,
      topics: [options.topic],
      sessionTimeoutMs: 6000,
      heartbeatIntervalMs: 200,
      rebalanceTimeoutMs: 10_000,
      maxWaitTimeMs: 100,
      // Small fetches: many of them, each with records left behind it.
      maxBytes: 8 * 1024,
      maxBytesPerPartition: 4 * 1024,
    },
    handlers,
  );
  return self;
}

/** Each partition's offsets in the order they were handed out. */
function byPartition(consumed: Reader["consumed"]): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const { partition, offset } of consumed) out.set(partition, [...(out.get(partition) ?? []), offset]);
  return out;
}

const VALUE = "v".repeat(200);
/** The fetch ahead comes with the client's fast paths (CI also runs this file with them off). */
const AHEAD = fastPathsAllowedByEnvironment();

/** The consumer's fetch-ahead counters; with the fast paths off, checks that there is no fetching ahead. */
function aheadStats(r: Reader): FetchAheadStats | undefined {
  const stats = r.consumer.fetchAheadStats();
  if (!AHEAD) expect(stats).toBeUndefined();
  return stats;
}

/** `count` records, 10 to a send: record batches of about 2 KiB, many to a fetch. */
async function produceSmallBatches(
  cluster: TestCluster,
  topic: string,
  partitions: number,
  count: number,
): Promise<void> {
  const messages = Array.from({ length: count }, (_, i) => ({ partition: i % partitions, key: `k${i}`, value: VALUE }));
  for (let p = 0; p < partitions; p += 1) {
    const mine = messages.filter((m) => m.partition === p);
    for (let i = 0; i < mine.length; i += 10) await produce(cluster.kafka, topic, mine.slice(i, i + 10));
  }
}

describe("fetching ahead with a group consumer", () => {
  let cluster: TestCluster;
  const readers: Reader[] = [];

  beforeAll(async () => {
    cluster = await startTestCluster();
  });

  afterAll(async () => {
    for (const r of readers) await r.consumer.stop().catch(() => undefined);
    await cluster.close();
  });

  it("keeps at most one answer, within the request's maxBytes, however slow the processing", async () => {
    await createTopic(cluster.kafka, "slow", 3);
    const count = 600;
    await produceSmallBatches(cluster, "slow", 3, count);
    const r = reader(cluster, {
      name: "slow",
      groupId: "slow-group",
      topic: "slow",
      partitions: 3,
      onBatch: async (batch, self) => {
        // A slow processor: the fetch ahead is answered long before the batch is done.
        await sleep(30);
        for (const record of batch.records)
          self.consumed.push({ partition: record.partition, offset: record.offset, value: String(record.value) });
        return batch.records.at(-1)?.offset;
      },
    });
    readers.push(r);
    await r.consumer.start();
    await eventually(() => (r.consumed.length >= count ? true : undefined), 60_000, "every record");
    for (const offsets of byPartition(r.consumed).values())
      expect(offsets).toEqual(Array.from({ length: count / 3 }, (_, i) => i));
    const stats = aheadStats(r);
    if (stats !== undefined) {
      expect(stats.used).toBeGreaterThan(3);
      // Never more than one answer kept, and each within the request's maxBytes (and the
      // response's own framing: a few dozen bytes a partition).
      expect(stats.maxHeldBytes).toBeGreaterThan(0);
      expect(stats.maxHeldBytes).toBeLessThanOrEqual(8 * 1024 + 512);
      expect(stats.sent - stats.used - stats.dropped).toBeLessThanOrEqual(1);
    }
    await r.consumer.stop();
    if (stats !== undefined) expect(stats.heldBytes).toBe(0);
  });

  it("hands out an answer still on its way when processing is faster than the broker", async () => {
    await createTopic(cluster.kafka, "fast", 2);
    const count = 600;
    await produceSmallBatches(cluster, "fast", 2, count);
    // No delay: kafkajs asks for the next fetch before the fetch ahead is answered, and waits for it.
    const r = reader(cluster, { name: "fast", groupId: "fast-group", topic: "fast", partitions: 2 });
    readers.push(r);
    await r.consumer.start();
    await eventually(() => (r.consumed.length >= count ? true : undefined), 60_000, "every record");
    for (const offsets of byPartition(r.consumed).values())
      expect(offsets).toEqual(Array.from({ length: count / 2 }, (_, i) => i));
    const stats = aheadStats(r);
    if (stats !== undefined) {
      expect(stats.used).toBeGreaterThan(3);
      // Every batch was processed to its end: each fetch ahead asked for what kafkajs asked for next.
      expect(stats.dropped).toBe(0);
    }
    await r.consumer.stop();
  });

  it("drops the answer when a batch was processed only in part, and reads on from where processing stopped", async () => {
    await createTopic(cluster.kafka, "halves", 1);
    const count = 300;
    await produceSmallBatches(cluster, "halves", 1, count);
    const r = reader(cluster, {
      name: "halves",
      groupId: "halves-group",
      topic: "halves",
      partitions: 1,
      onBatch: async (batch, self) => {
        await sleep(10);
        // Half of each batch (at least one record): the position the fetch ahead assumed is never reached.
        const half = batch.records.slice(0, Math.max(1, Math.floor(batch.records.length / 2)));
        for (const record of half)
          self.consumed.push({ partition: record.partition, offset: record.offset, value: String(record.value) });
        return half.at(-1)?.offset;
      },
    });
    readers.push(r);
    await r.consumer.start();
    await eventually(() => (r.consumed.length >= count ? true : undefined), 60_000, "every record");
    expect(byPartition(r.consumed).get(0)).toEqual(Array.from({ length: count }, (_, i) => i));
    const stats = aheadStats(r);
    if (stats !== undefined) expect(stats.dropped).toBeGreaterThan(0);
    await r.consumer.stop();
  });

  it("after a seek, reads from the offset sought, not from what was fetched ahead", async () => {
    await createTopic(cluster.kafka, "seeks", 1);
    const count = 400;
    await produceSmallBatches(cluster, "seeks", 1, count);
    let soughtAt: number | undefined;
    const r = reader(cluster, {
      name: "seeks",
      groupId: "seeks-group",
      topic: "seeks",
      partitions: 1,
      onBatch: async (batch, self) => {
        await sleep(10);
        let last: number | undefined;
        for (const record of batch.records) {
          if (batch.isStale()) break;
          self.consumed.push({ partition: 0, offset: record.offset, value: String(record.value) });
          last = record.offset;
        }
        // Once, past offset 100: back to 50 (a task reset to its committed position).
        if (soughtAt === undefined && last !== undefined && last >= 100) {
          soughtAt = self.consumed.length;
          self.consumer.seek({ topic: "seeks", partition: 0, offset: 50 });
          return undefined;
        }
        return last;
      },
    });
    readers.push(r);
    await r.consumer.start();
    await eventually(
      () => (soughtAt !== undefined && r.consumed.length - soughtAt >= count - 50 ? true : undefined),
      60_000,
      "the records from 50 on, again",
    );
    const offsets = byPartition(r.consumed).get(0)!;
    const back = offsets.findIndex((o, i) => i > 0 && o < offsets[i - 1]!);
    expect(back).toBeGreaterThan(0);
    // Contiguous up to the seek, then contiguous again from 50 to the end.
    expect(offsets.slice(0, back)).toEqual(Array.from({ length: back }, (_, i) => i));
    expect(offsets.slice(back)).toEqual(Array.from({ length: count - 50 }, (_, i) => 50 + i));
    await r.consumer.stop();
  });

  it("hands out nothing of a revoked partition once the group has rebalanced", async () => {
    await createTopic(cluster.kafka, "shared", 4);
    const perPartition = 300;
    await produceSmallBatches(cluster, "shared", 4, perPartition * 4);
    const slowly = async (batch: ConsumedBatch, self: Reader): Promise<number | undefined> => {
      await sleep(20);
      let last: number | undefined;
      for (const record of batch.records) {
        if (batch.isStale()) break;
        self.consumed.push({ partition: record.partition, offset: record.offset, value: String(record.value) });
        last = record.offset;
      }
      return last;
    };
    const a = reader(cluster, { name: "a", groupId: "shared-group", topic: "shared", partitions: 4, onBatch: slowly });
    readers.push(a);
    await a.consumer.start();
    await eventually(() => (a.consumed.length > 40 ? true : undefined), 30_000, "a under way");
    const b = reader(cluster, { name: "b", groupId: "shared-group", topic: "shared", partitions: 4, onBatch: slowly });
    readers.push(b);
    await b.consumer.start();
    await eventually(
      () => (a.assignments.at(-1)?.partitions.length === 2 && b.assignments.length > 0 ? true : undefined),
      30_000,
      "the group to rebalance",
    );
    const mine = new Set(a.assignments.at(-1)!.partitions.map((p) => p.partition));
    const before = a.consumed.length;
    await eventually(() => (a.consumed.length > before + 40 ? true : undefined), 30_000, "a to read on");
    expect(a.strays).toEqual([]);
    expect(b.strays).toEqual([]);
    // What a read after the rebalance came only from its own partitions, each still in order.
    expect(a.consumed.slice(before).every((c) => mine.has(c.partition))).toBe(true);
    for (const offsets of byPartition(a.consumed.slice(before)).values())
      expect(offsets).toEqual(Array.from({ length: offsets.length }, (_, i) => offsets[0]! + i));
  });

  it("reads only committed records across aborted transactions while fetching ahead", async () => {
    await createTopic(cluster.kafka, "txns", 1);
    const producer = cluster.kafka.producer({
      transactionalId: "ahead-writer",
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    const expected: string[] = [];
    for (let t = 0; t < 12; t += 1) {
      const commit = t % 3 !== 1;
      const values = Array.from({ length: 15 }, (_, i) => `${commit ? "c" : "a"}${t}-${i}-${VALUE}`);
      const txn = await producer.transaction();
      await txn.send({ topic: "txns", messages: values.map((value) => ({ key: "k", value, partition: 0 })) });
      if (commit) {
        await txn.commit();
        expected.push(...values);
      } else await txn.abort();
    }
    await producer.disconnect();
    const r = reader(cluster, {
      name: "txns",
      groupId: "txns-group",
      topic: "txns",
      partitions: 1,
      onBatch: async (batch, self) => {
        await sleep(10);
        for (const record of batch.records)
          self.consumed.push({ partition: 0, offset: record.offset, value: String(record.value) });
        return batch.records.at(-1)?.offset;
      },
    });
    readers.push(r);
    await r.consumer.start();
    await eventually(() => (r.consumed.length >= expected.length ? true : undefined), 60_000, "every committed record");
    await sleep(300);
    expect(r.consumed.map((c) => c.value)).toEqual(expected);
    const stats = aheadStats(r);
    if (stats !== undefined) expect(stats.used).toBeGreaterThan(0);
    await r.consumer.stop();
  });
});
