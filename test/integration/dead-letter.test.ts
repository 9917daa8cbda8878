// Bad input never stops the application and is never lost: undecodable records and
// schema violations go to `<applicationId>-dlq` with their bytes and headers, plus
// headers saying what was wrong and where they came from; processing goes on. A failure
// in user code stops the application, unless configured to dead-letter and continue.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { DeadLetterHeaders, KafkaStreams, Serdes, StreamsBuilder, StreamsState } from "../../src/index.js";
import type { Topology } from "../../src/index.js";
import { lastHeader } from "../../src/kafka/types.js";
import type { KafkaHeaders } from "../../src/kafka/types.js";
import {
  createTopic,
  eventually,
  failedInstance,
  produce,
  readCommitted,
  silentLogger,
  startTestCluster,
  testStreamsConfig,
} from "./support/kafka.js";
import type { TestCluster } from "./support/kafka.js";

const payment = z.object({ id: z.string(), amount: z.number().positive() });

/** Payments validated by their serde; an amount of 13 makes the user code throw. */
function paymentsTopology(input: string, output: string): Topology {
  const builder = new StreamsBuilder();
  builder
    .stream(input, { key: Serdes.string(), value: Serdes.zod(payment) })
    .mapValues((p) => {
      if (p.amount === 13) throw new Error(`unlucky amount in payment ${p.id}`);
      return { ...p, accepted: true };
    })
    .to(output, { key: Serdes.string(), value: Serdes.json() });
  return builder.build();
}

const header = (headers: KafkaHeaders, name: string): string | undefined => lastHeader(headers, name)?.toString();

describe("dead-letter topic", () => {
  let cluster: TestCluster;
  let stateDir: string;

  beforeAll(async () => {
    cluster = await startTestCluster();
    stateDir = await mkdtemp(join(tmpdir(), "eddy-dlq-"));
  });

  afterAll(async () => {
    await cluster.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  it("takes undecodable records, schema violations and failing records with all their bytes, and processing goes on", async () => {
    await createTopic(cluster.kafka, "payments", 1);
    await createTopic(cluster.kafka, "payments-out", 1);
    await produce(cluster.kafka, "payments", [
      { partition: 0, key: "a", value: JSON.stringify({ id: "p1", amount: 5 }) },
      { partition: 0, key: "b", value: "{not json", headers: { trace: "t-1" } },
      { partition: 0, key: "c", value: JSON.stringify({ id: 7 }), headers: { trace: "t-2" } },
      { partition: 0, key: Buffer.from([0xff, 0xfe]), value: JSON.stringify({ id: "p2", amount: 1 }) },
      { partition: 0, key: "d", value: JSON.stringify({ id: "p3", amount: 13 }) },
      { partition: 0, key: "e", value: JSON.stringify({ id: "p4", amount: 9 }) },
    ]);
    const streams = new KafkaStreams(
      paymentsTopology("payments", "payments-out"),
      testStreamsConfig(cluster.bootstrap, stateDir, {
        applicationId: "payments",
        processingExceptionHandler: "continue-and-dead-letter",
      }),
      { logger: silentLogger },
    );
    await streams.start();
    try {
      const out = await eventually(
        async () => {
          const records = await readCommitted(cluster.bootstrap, "payments-out");
          return records.length >= 2 ? records : undefined;
        },
        20_000,
        "the good payments",
        failedInstance(streams),
      );
      expect(out.map((r) => [r.key?.toString(), JSON.parse(r.value?.toString() ?? "null")])).toEqual([
        ["a", { id: "p1", amount: 5, accepted: true }],
        ["e", { id: "p4", amount: 9, accepted: true }],
      ]);
      const dead = await eventually(async () => {
        const records = await readCommitted(cluster.bootstrap, "payments-dlq");
        return records.length >= 4 ? records : undefined;
      });
      expect(dead).toHaveLength(4);
      const byOffset = new Map(dead.map((r) => [header(r.headers, DeadLetterHeaders.offset), r]));
      const notJson = byOffset.get("1")!;
      expect(notJson.key?.toString()).toBe("b");
      expect(notJson.value?.toString()).toBe("{not json");
      expect(header(notJson.headers, "trace")).toBe("t-1");
      expect(header(notJson.headers, DeadLetterHeaders.errorCode)).toBe("EDDY_ERR_DESERIALIZATION");
      expect(header(notJson.headers, DeadLetterHeaders.topic)).toBe("payments");
      expect(header(notJson.headers, DeadLetterHeaders.partition)).toBe("0");
      expect(header(notJson.headers, DeadLetterHeaders.part)).toBe("value");
      const invalid = byOffset.get("2")!;
      expect(invalid.value?.toString()).toBe(JSON.stringify({ id: 7 }));
      expect(header(invalid.headers, DeadLetterHeaders.errorCode)).toBe("EDDY_ERR_DESERIALIZATION");
      expect(header(invalid.headers, DeadLetterHeaders.errorMessage)).toMatch(/id|amount/);
      const badKey = byOffset.get("3")!;
      expect(badKey.key).toEqual(Buffer.from([0xff, 0xfe]));
      expect(header(badKey.headers, DeadLetterHeaders.part)).toBe("key");
      const failing = byOffset.get("4")!;
      expect(header(failing.headers, DeadLetterHeaders.errorCode)).toBe("EDDY_ERR_PROCESSOR");
      expect(header(failing.headers, DeadLetterHeaders.errorMessage)).toMatch(/unlucky amount in payment p3/);
      expect(streams.state()).toBe(StreamsState.RUNNING);
      expect(streams.metrics().deadLetterRecords).toBe(4);
    } finally {
      await streams.close();
    }
  });

  it("stops in ERROR on a failure in user code, naming the task and the offset", async () => {
    await createTopic(cluster.kafka, "orders", 1);
    await createTopic(cluster.kafka, "orders-out", 1);
    await produce(cluster.kafka, "orders", [
      { partition: 0, key: "a", value: JSON.stringify({ id: "o1", amount: 3 }) },
      { partition: 0, key: "b", value: JSON.stringify({ id: "o2", amount: 13 }) },
      { partition: 0, key: "c", value: JSON.stringify({ id: "o3", amount: 4 }) },
    ]);
    const streams = new KafkaStreams(
      paymentsTopology("orders", "orders-out"),
      testStreamsConfig(cluster.bootstrap, stateDir, { applicationId: "orders" }),
      {
        logger: silentLogger,
      },
    );
    await streams.start();
    await eventually(() => (streams.state() === StreamsState.ERROR ? true : undefined));
    expect(streams.fatalError?.message).toMatch(/task 0_0 on orders-0 at offset 1: unlucky amount in payment o2/);
    // Nothing after the failure was committed, and nothing of the failing record.
    const out = await readCommitted(cluster.bootstrap, "orders-out");
    expect(out.map((r) => r.key?.toString())).not.toContain("c");
    expect(out.map((r) => r.key?.toString())).not.toContain("b");
    expect(await streams.close()).toBe(true);
  });
});
