// When a task's work is committed, on Kafka: every batch ends with the commit it makes due, as
// Kafka Streams commits after each poll's records, and the work that commit took is committed
// once, however the commit was asked for (the thread's ticker or the end of a batch), under
// each guarantee.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KafkaStreams, Serdes, Topology } from "../../src/index.js";
import type { ProcessingGuarantee, ProcessorContext } from "../../src/index.js";
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

const strings = { key: Serdes.string(), value: Serdes.string() };

function upperCase(input: string, output: string): Topology {
  return new Topology()
    .addSource(strings, "source", input)
    .addProcessor(
      "upper",
      () => {
        let context!: ProcessorContext<string, string>;
        return {
          init(c: ProcessorContext<string, string>) {
            context = c;
          },
          async process(record: { key: string; value: string; timestamp: number; headers: never }) {
            await context.forward({ ...record, value: record.value.toUpperCase() });
          },
        };
      },
      "source",
    )
    .addSink("sink", output, strings, "upper");
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("when a task commits", () => {
  let cluster: TestCluster;
  let stateDir: string;

  beforeAll(async () => {
    cluster = await startTestCluster();
    stateDir = await mkdtemp(join(tmpdir(), "eddy-commit-interval-"));
  });

  afterAll(async () => {
    await cluster?.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  const guarantees: ProcessingGuarantee[] = ["exactly_once_v2", "exactly_once", "at_least_once"];
  for (const guarantee of guarantees) {
    it(`commits a batch's work once, at the batch's end when it is due (${guarantee})`, async () => {
      const id = `commit-once-${guarantee.replaceAll("_", "-")}`;
      await createTopic(cluster.kafka, `${id}-in`, 1);
      await createTopic(cluster.kafka, `${id}-out`, 1);
      // An interval of 0: every batch makes a commit due the moment it is processed.
      const streams = new KafkaStreams(
        upperCase(`${id}-in`, `${id}-out`),
        testStreamsConfig(cluster.broker.bootstrap, join(stateDir, id), {
          applicationId: id,
          processingGuarantee: guarantee,
          commitIntervalMs: 0,
        }),
        { logger: silentLogger, api: false },
      );
      await streams.start();
      try {
        await eventually(() => streams.isReady() || undefined);
        for (const value of ["a", "b"]) {
          const before = streams.metrics().commits;
          await produce(cluster.kafka, `${id}-in`, [{ partition: 0, key: value, value }]);
          await eventually(async () => {
            const out = await readCommitted(cluster.broker.bootstrap, `${id}-out`);
            return out.some((r) => r.value?.toString() === value.toUpperCase()) || undefined;
          });
          // Several ticks of the thread's ticker: a task left marked as having work after its
          // batch's commit took it would commit again, with nothing in it.
          await sleep(500);
          expect(streams.metrics().commits - before).toBe(1);
        }
      } finally {
        await streams.close();
      }
    });
  }
});
