// Read-your-writes under at-least-once across a failover. Nothing fences an at-least-once
// owner: it may make outputs visible (a background flush, a reply) and then lose the task
// before their state reaches the changelog or their offsets are committed. The next owner
// processes those records again, and until it has, its store holds the state from before
// them. So a task that starts holds lookups until it has caught up with what its input
// partitions held when it started: a lookup never reads state older than an output a client
// could already have seen.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KafkaStreams, Serdes, StreamsBuilder } from "../../src/index.js";
import type { FixedKeyProcessorContext, FixedKeyRecord } from "../../src/index.js";
import {
  createTopic,
  eventually,
  produce,
  readCommitted,
  silentLogger,
  startTestCluster,
  testStreamsConfig,
} from "./support/kafka.js";
import type { TestCluster } from "./support/kafka.js";

const INPUT = "catch-up-in";
const OUTPUT = "catch-up-out";
const KEY = "k";
/** More outputs than a task's collector holds (2 000): a background flush makes most of them visible before any commit. */
const RECORDS = 2_500;

/**
 * Counts per key. `poisoned`: the instance fails (processing handler "fail") on the "poison"
 * record, without committing; `brake`: the instance's first record waits for it.
 */
function countingTopology(options: { poisoned: boolean; brake?: Promise<void> }) {
  const builder = new StreamsBuilder();
  builder
    .stream(INPUT, { key: Serdes.string(), value: Serdes.string() })
    .processValues<string>(() => {
      let context!: FixedKeyProcessorContext<string, string>;
      let braked = options.brake === undefined;
      return {
        init(ctx) {
          context = ctx;
        },
        async process(record: FixedKeyRecord<string, string>) {
          if (!braked) {
            braked = true;
            await options.brake;
          }
          if (record.value === "poison") {
            if (options.poisoned) throw new Error("poisoned");
            return;
          }
          await context.forward(record);
        },
      };
    })
    .groupByKey()
    .count({ store: "counts" })
    .toStream()
    .to(OUTPUT, { key: Serdes.string(), value: Serdes.long() });
  return builder.build();
}

describe("at-least-once lookups after a failover", () => {
  let cluster: TestCluster;
  let stateDir: string;

  beforeAll(async () => {
    cluster = await startTestCluster();
    stateDir = await mkdtemp(join(tmpdir(), "eddy-catch-up-"));
    await createTopic(cluster.kafka, INPUT, 1);
    await createTopic(cluster.kafka, OUTPUT, 1);
  });

  afterAll(async () => {
    await cluster.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  it("wait until the new owner has processed what the old one made visible", async () => {
    const config = (name: string) =>
      testStreamsConfig(cluster.bootstrap, join(stateDir, name), {
        applicationId: "catch-up",
        processingGuarantee: "at_least_once",
        // No commit while the old owner processes: its outputs go out in background flushes only.
        commitIntervalMs: 60_000,
        // Every count goes downstream at once (no record cache folding them until the commit).
        cacheMaxBytes: 0,
      });
    const old = new KafkaStreams(countingTopology({ poisoned: true }), config("old"), {
      logger: silentLogger,
      api: false,
    });
    let release!: () => void;
    const brake = new Promise<void>((resolve) => (release = resolve));
    const next = new KafkaStreams(countingTopology({ poisoned: false, brake }), config("next"), {
      logger: silentLogger,
      api: false,
    });
    try {
      await old.start();
      await eventually(() => (old.isReady() ? true : undefined), 30_000, "the old owner to run");
      await next.start();
      await eventually(
        () => (next.state() === "RUNNING" && old.assignedTasks().active.includes("0_0") ? true : undefined),
        30_000,
        "both instances in the group, the task on the old owner",
      );
      await produce(cluster.kafka, INPUT, [
        ...Array.from({ length: RECORDS }, () => ({ key: KEY, value: "x", partition: 0 })),
        { key: KEY, value: "poison", partition: 0 },
      ]);
      // What a client may have seen: counts the old owner flushed before it failed.
      const seen = await eventually(
        async () => {
          const out = await readCommitted(cluster.bootstrap, OUTPUT);
          return out.length >= 2_000 ? out.length : undefined;
        },
        30_000,
        "the old owner's flushed counts",
      );
      await eventually(() => (old.state() === "ERROR" ? true : undefined), 30_000, "the old owner to fail");
      // The next owner takes the task over and starts processing from the beginning (nothing
      // was committed), held at its first record.
      await eventually(
        async () =>
          (await next.localTasks()).some((t) => t.taskId === "0_0" && t.state === "running") ? true : undefined,
        30_000,
        "the next owner to run the task",
      );
      const early = next.awaitReadable("0_0", [], 300);
      // Without the catch-up hold, a lookup would read a store that has counted nothing yet.
      expect(early).toBeInstanceOf(Promise);
      expect(await early).toMatchObject({ ready: false, reason: expect.stringContaining("did not catch up") });
      release();
      await expect(next.awaitReadable("0_0", [], 30_000)).resolves.toEqual({ ready: true });
      const count = await next.store<string, number>("counts", "0_0").get(KEY);
      expect(count).toBeGreaterThanOrEqual(seen);
      expect(count).toBe(RECORDS);
    } finally {
      release();
      await next.close();
      await old.close();
    }
  });
});
