// A stream-stream left join on Kafka across a restart without local state: the orders one
// instance stored are restored from the join's changelogs by the next one, so payments
// that arrive after the restart still join them, and the orders still waiting for a payment
// (the shared outer store, restored too) are emitted with null once their window closes,
// each exactly once, and never those that were joined.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JoinWindows, KafkaStreams, Serdes, StreamsBuilder } from "../../src/index.js";
import {
  createTopic,
  eventually,
  failedInstance,
  readCommitted,
  silentLogger,
  startTestCluster,
  testStreamsConfig,
} from "./support/kafka.js";
import type { TestCluster } from "./support/kafka.js";

const MINUTE = 60_000;
// Recent times: windowed changelogs are compact,delete with retention.ms = retention + 1 day,
// as Kafka Streams makes them, so Apache Kafka deletes records stamped long ago at once.
const T0 = Date.now() - (Date.now() % MINUTE) - 60 * MINUTE;
const APP = "orders-payments";
const OUTER_JOIN_EMIT_INTERVAL_MS = 1_000;

function joinTopology() {
  const builder = new StreamsBuilder();
  const strings = { key: Serdes.string(), value: Serdes.string() };
  const orders = builder.stream("join-orders", strings);
  const payments = builder.stream("join-payments", strings);
  orders
    .leftJoin(
      payments,
      (order: string, payment: string | null) => `${order}+${payment ?? "unpaid"}`,
      JoinWindows.ofTimeDifferenceWithNoGrace(10 * MINUTE),
      // The join's stores take StreamJoined's serdes, not the streams' (as in Kafka Streams).
      { key: Serdes.string(), value: Serdes.string(), otherValue: Serdes.string() },
    )
    .to("join-out", { key: Serdes.string(), value: Serdes.string() });
  return builder.build();
}

async function send(cluster: TestCluster, topic: string, records: Array<[string, string, number]>): Promise<void> {
  const producer = cluster.kafka.producer();
  await producer.connect();
  try {
    await producer.send({
      topic,
      acks: -1,
      messages: records.map(([key, value, timestamp]) => ({ key, value, timestamp: String(timestamp), partition: 0 })),
    });
  } finally {
    await producer.disconnect();
  }
}

describe("stream-stream join on Kafka", () => {
  let cluster: TestCluster;
  let stateDir: string;

  beforeAll(async () => {
    cluster = await startTestCluster();
    stateDir = await mkdtemp(join(tmpdir(), "eddy-stream-join-"));
    for (const topic of ["join-orders", "join-payments", "join-out"]) await createTopic(cluster.kafka, topic, 1);
  });

  afterAll(async () => {
    await cluster.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  it("restores both join stores from their changelogs and joins across the restart", async () => {
    const config = testStreamsConfig(cluster.broker.bootstrap, stateDir, { applicationId: APP });
    await send(cluster, "join-orders", [
      ["o1", "order-1", T0],
      ["o2", "order-2", T0 + MINUTE],
      ["o3", "order-3", T0 + 2 * MINUTE],
    ]);
    const first = new KafkaStreams(joinTopology(), config, { logger: silentLogger, api: false });
    await first.start();
    try {
      // The orders reach the left side's store and the shared store of records awaiting a payment.
      for (const store of ["KSTREAM-JOINTHIS-0000000004-store", "KSTREAM-OUTERSHARED-0000000004-store"]) {
        await eventually(
          async () => {
            const records = await readCommitted(cluster.broker.bootstrap, `${APP}-${store}-changelog`);
            return records.length >= 3 ? records : undefined;
          },
          30_000,
          `the ${store} changelog`,
          failedInstance(first),
        );
      }
      expect(await readCommitted(cluster.broker.bootstrap, "join-out")).toEqual([]);
    } finally {
      await first.close();
    }

    // No local state: the next instance restores the stores from the changelogs.
    await rm(stateDir, { recursive: true, force: true });
    await send(cluster, "join-payments", [
      ["o1", "paid-1", T0 + 5 * MINUTE],
      ["o3", "paid-3", T0 + 3 * MINUTE],
    ]);
    const second = new KafkaStreams(joinTopology(), config, { logger: silentLogger, api: false });
    await second.start();
    try {
      await eventually(
        async () => {
          const records = await readCommitted(cluster.broker.bootstrap, "join-out");
          return records.length >= 2 ? records : undefined;
        },
        30_000,
        "the paid orders",
        failedInstance(second),
      );
      // The shared store is scanned at most once per emit interval (1 s of wall-clock time, as
      // in Kafka Streams): a record a second later finds o2's window closed.
      await new Promise((resolve) => setTimeout(resolve, OUTER_JOIN_EMIT_INTERVAL_MS + 100));
      // Stream time passes o2's window (and o1's and o3's): o2 is emitted unpaid.
      await send(cluster, "join-payments", [["other", "paid-x", T0 + 30 * MINUTE]]);
      const out = await eventually(
        async () => {
          const records = await readCommitted(cluster.broker.bootstrap, "join-out");
          return records.length >= 3 ? records : undefined;
        },
        30_000,
        "the joined orders",
        failedInstance(second),
      );
      expect(out.map((r) => [r.key?.toString(), r.value?.toString(), Number(r.timestamp)])).toEqual([
        ["o1", "order-1+paid-1", T0 + 5 * MINUTE],
        ["o3", "order-3+paid-3", T0 + 3 * MINUTE],
        ["o2", "order-2+unpaid", T0 + MINUTE],
      ]);
      // Nothing more comes: o1 and o3 were joined, so they wait for no null result.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await readCommitted(cluster.broker.bootstrap, "join-out")).toHaveLength(3);
    } finally {
      await second.close();
    }
  });
});
