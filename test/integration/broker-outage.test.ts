// A broker outage is waited out: the broker goes away for a few seconds and comes back
// (same port, same data directory); the instance retries with backoff meanwhile, never
// goes to ERROR, and every record is processed exactly once.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import kafkajs from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KafkaStreams, Serdes, StreamsState } from "../../src/index.js";
import { partitionForKey } from "../../src/kafka/partitioner.js";
import { createTopic, eventually, produce, readCommitted, silentLogger, testStreamsConfig } from "./support/kafka.js";
import { VISIT_COUNTS_OUT, VISITS, urlVisitTopology } from "./support/topologies.js";
import { startRestartableKafka } from "../support/kafka-under-test/kafka-under-test.js";
import type { RestartableKafka } from "../support/kafka-under-test/kafka-under-test.js";

describe("broker outage", () => {
  let root: string;
  let broker: RestartableKafka | undefined;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "eddy-outage-"));
    broker = await startRestartableKafka(join(root, "broker"), {
      logger: silentLogger,
      groupMinSessionTimeoutMs: 1_000,
    });
  });

  afterAll(async () => {
    await broker?.close();
    await rm(root, { recursive: true, force: true });
  });

  it("is retried with backoff, and processing resumes exactly once", { timeout: 90_000 }, async () => {
    const kafkaUnderTest = broker as RestartableKafka;
    const bootstrap = kafkaUnderTest.bootstrap;
    const kafka = () => new kafkajs.Kafka({ clientId: "t", brokers: [bootstrap], logLevel: kafkajs.logLevel.NOTHING });
    await createTopic(kafka(), VISITS, 2);
    await createTopic(kafka(), VISIT_COUNTS_OUT, 2);
    const visits = (from: number, count: number) =>
      Array.from({ length: count }, (_, i) => {
        const key = `/page/${(from + i) % 10}`;
        return { key, value: `v${from + i}`, partition: partitionForKey(Buffer.from(key), 2) };
      });
    const states: string[] = [];
    const streams = new KafkaStreams(
      urlVisitTopology(),
      testStreamsConfig(bootstrap, join(root, "app"), { applicationId: "outage", cacheMaxBytes: 0 }),
      {
        logger: silentLogger,
      },
    );
    streams.setStateListener((state) => states.push(state));
    await streams.start();
    try {
      await produce(kafka(), VISITS, visits(0, 500));
      await eventually(async () =>
        (await readCommitted(bootstrap, VISIT_COUNTS_OUT)).length >= 500 ? true : undefined,
      );

      await kafkaUnderTest.stop();
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      expect(streams.state(), streams.fatalError?.stack).not.toBe(StreamsState.ERROR);
      await kafkaUnderTest.start();

      await produce(kafka(), VISITS, visits(500, 500));
      const out = await eventually(
        async () => {
          const records = await readCommitted(bootstrap, VISIT_COUNTS_OUT);
          return records.length >= 1_000 ? records : undefined;
        },
        60_000,
        "the counts after the outage",
      );
      // Exactly once: one count per visit, and the last count of each page is its number of visits.
      expect(out).toHaveLength(1_000);
      const last = new Map(out.map((r) => [r.key?.toString(), Serdes.long().deserialize(r.value as Buffer)]));
      for (let p = 0; p < 10; p += 1) expect(last.get(`/page/${p}`)).toBe(100);
      expect(states).not.toContain(StreamsState.ERROR);
      await eventually(() => (streams.state() === StreamsState.RUNNING ? true : undefined));
    } finally {
      await streams.close({ timeout: 20_000 });
    }
  });
});
