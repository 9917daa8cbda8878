// A global store's checkpoint and its unreadable records, on the broker: a restart
// restores only what arrived since the last run (Kafka Streams' global .checkpoint); a
// record of the global topic that its serdes cannot read goes to the dead-letter topic,
// with the stream tasks' headers (task "global"), and the store reads on.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KafkaStreams, Serdes, StreamsBuilder } from "../../src/index.js";
import type { StreamsConfig } from "../../src/index.js";
import { DeadLetterHeaders } from "../../src/engine/dead-letter.js";
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

function topology() {
  const builder = new StreamsBuilder();
  const prices = builder.globalTable("prices", {
    key: Serdes.string(),
    value: Serdes.json<{ cents: number }>(),
    store: "prices",
  });
  builder
    .stream("carts", { key: Serdes.string(), value: Serdes.string() })
    .join(
      prices,
      (_cart, sku) => sku,
      (sku, price) => `${sku}:${price.cents}`,
    )
    .to("priced", { key: Serdes.string(), value: Serdes.string() });
  return builder.build();
}

describe("global store checkpoint and dead letters", () => {
  let cluster: TestCluster;
  let stateDir: string;

  beforeAll(async () => {
    cluster = await startTestCluster();
    stateDir = await mkdtemp(join(tmpdir(), "eddy-global-recovery-"));
    for (const topic of ["prices", "carts", "priced"]) await createTopic(cluster.kafka, topic, 2);
  });

  afterAll(async () => {
    await cluster?.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  const price = (sku: string, cents: number, partition: number) => ({
    key: sku,
    value: JSON.stringify({ cents }),
    partition,
  });

  /** Starts an instance; returns it with the records its restore listener saw restored. */
  async function start(name: string, overrides: Partial<StreamsConfig> = {}) {
    const streams = new KafkaStreams(
      topology(),
      testStreamsConfig(cluster.bootstrap, join(stateDir, name), { applicationId: "global-recovery", ...overrides }),
      { logger: silentLogger },
    );
    const restored = { records: 0, starts: [] as Array<{ partition: number; startOffset: number; endOffset: number }> };
    streams.setGlobalStateRestoreListener({
      onRestoreStart: (event) => {
        if (event.store === "prices") restored.starts.push(event);
      },
      onRestoreEnd: (event) => {
        if (event.store === "prices") restored.records += event.totalRestored;
      },
    });
    await streams.start();
    return { streams, restored };
  }

  it("restores only the records that arrived since the last run", { timeout: 120_000 }, async () => {
    await produce(
      cluster.kafka,
      "prices",
      Array.from({ length: 40 }, (_, i) => price(`sku-${i}`, i * 100, i % 2)),
    );
    const first = await start("a");
    expect(first.restored.records).toBe(40);
    expect(await first.streams.globalStore<string, { cents: number }>("prices").get("sku-7")).toEqual({ cents: 700 });
    // Followed while running, then checkpointed at close.
    await produce(cluster.kafka, "prices", [price("sku-7", 777, 1)]);
    await eventually(
      async () =>
        (await first.streams.globalStore<string, { cents: number }>("prices").get("sku-7"))?.cents === 777
          ? true
          : undefined,
      20_000,
      "the update of sku-7",
      failedInstance(first.streams),
    );
    await first.streams.close();

    await produce(cluster.kafka, "prices", [price("sku-1", 111, 1), price("sku-2", 222, 0), price("sku-50", 5000, 0)]);
    const second = await start("a");
    try {
      // The three new records, not the 44 of the topic.
      expect(second.restored.records).toBe(3);
      expect(second.restored.starts.map((s) => s.endOffset - s.startOffset).sort()).toEqual([1, 2]);
      const store = second.streams.globalStore<string, { cents: number }>("prices");
      expect(await store.get("sku-7")).toEqual({ cents: 777 });
      expect(await store.get("sku-1")).toEqual({ cents: 111 });
      expect(await store.get("sku-50")).toEqual({ cents: 5000 });
      expect(await store.approximateNumEntries()).toBe(41);
    } finally {
      await second.streams.close();
    }

    // A new state directory has no checkpoint: the whole topic.
    const fresh = await start("b");
    expect(fresh.restored.records).toBe(44);
    await fresh.streams.close();
  });

  it("dead-letters a record it cannot read and reads on", { timeout: 120_000 }, async () => {
    const { streams } = await start("c");
    try {
      await produce(cluster.kafka, "prices", [
        { key: "broken", value: "{not json", partition: 0, headers: { origin: "kcat" } },
        price("after-broken", 1, 0),
      ]);
      await eventually(
        async () => ((await streams.globalStore("prices").get("after-broken")) !== undefined ? true : undefined),
        20_000,
        "the record after the broken one",
        failedInstance(streams),
      );
      // The global thread read on: the instance did not fail (it may still be joining the group).
      expect(["ERROR", "PENDING_ERROR"]).not.toContain(streams.state());
      expect(await streams.globalStore("prices").get("broken")).toBeUndefined();
      const letters = await eventually(async () => {
        const records = await readCommitted(cluster.bootstrap, "global-recovery-dlq");
        return records.length > 0 ? records : undefined;
      });
      expect(letters).toHaveLength(1);
      const [letter] = letters;
      const header = (key: string) => letter?.headers.find((h) => h.key === key)?.value?.toString();
      expect(letter?.key?.toString()).toBe("broken");
      expect(letter?.value?.toString()).toBe("{not json");
      expect(header("origin")).toBe("kcat");
      expect(header(DeadLetterHeaders.topic)).toBe("prices");
      expect(header(DeadLetterHeaders.partition)).toBe("0");
      expect(header(DeadLetterHeaders.taskId)).toBe("global");
      expect(header(DeadLetterHeaders.part)).toBe("value");
      expect(header(DeadLetterHeaders.errorCode)).toMatch(/^EDDY_ERR_/);
      expect(streams.metrics().deadLetterRecords).toBe(1);
    } finally {
      await streams.close();
    }
  });

  it("stops the instance on such a record when the handler says fail", { timeout: 120_000 }, async () => {
    // The broken record is in the topic already: the restore meets it before the instance runs.
    const streams = new KafkaStreams(
      topology(),
      testStreamsConfig(cluster.bootstrap, join(stateDir, "d"), {
        applicationId: "global-recovery",
        deserializationExceptionHandler: "fail",
      }),
      { logger: silentLogger },
    );
    try {
      await expect(streams.start()).rejects.toThrow(/Task global failed at prices-0@\d+/);
    } finally {
      await streams.close();
    }
  });
});
