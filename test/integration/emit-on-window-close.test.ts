// EmitStrategy.onWindowClose() across a stop and a restart, on Kafka: the last emit's window
// close time is committed with the offsets (Kafka Streams' TopicPartitionMetadata, read back
// here as Kafka Streams would read it), and so is the partition time. A restarted application
// emits every closed window exactly once: none of those emitted before the stop again, none
// closed since skipped; and its timestamp extractor is handed the committed partition time.
// Under each processing guarantee, since each commits its offsets its own way (TxnOffsetCommit
// v3 for the thread's transaction, kafkajs' for a task's transaction, OffsetCommit).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KafkaStreams } from "../../src/index.js";
import type { StreamsConfig } from "../../src/index.js";
import { KafkaAdmin } from "../../src/kafka/admin-client.js";
import { decodeTopicPartitionMetadata } from "../../src/runtime/topic-partition-metadata.js";
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
import {
  AT_PARTITION_TIME,
  CLOSING_COUNTS,
  CLOSING_EVENTS,
  CLOSING_FINALS,
  CLOSING_WINDOW_MS,
  windowCloseCountTopology,
} from "./support/topologies.js";

const W = CLOSING_WINDOW_MS;
// Recent times: windowed changelogs are compact,delete with retention.ms = retention + 1 day.
const T0 = Date.now() - (Date.now() % W) - 60 * W;
/** The emit throttle looks for closed windows at most once a second of wall-clock time. */
const EMIT_INTERVAL_MS = 1_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(["exactly_once_v2", "exactly_once", "at_least_once"] as const)(
  "onWindowClose across a restart (%s)",
  (guarantee) => {
    let cluster: TestCluster;
    let stateDir: string;
    const events = `${CLOSING_EVENTS}-${guarantee}`;
    const finals = `${CLOSING_FINALS}-${guarantee}`;
    const applicationId = `closing-${guarantee.replaceAll("_", "-")}`;

    beforeAll(async () => {
      cluster = await startTestCluster();
      stateDir = await mkdtemp(join(tmpdir(), "eddy-window-close-"));
      await createTopic(cluster.kafka, events, 1);
      await createTopic(cluster.kafka, finals, 1);
    });

    afterAll(async () => {
      await cluster.close();
      await rm(stateDir, { recursive: true, force: true });
    });

    /** The topology, reading and writing this guarantee's own topics. */
    function topology() {
      return windowCloseCountTopology({ events, finals });
    }

    const event = (key: string, at: number, value = "v") => ({ partition: 0, key, value, timestamp: String(T0 + at) });

    async function finalsAtLeast(count: number, instance: KafkaStreams) {
      return eventually(
        async () => {
          const records = await readCommitted(cluster.bootstrap, finals);
          return records.length >= count ? records : undefined;
        },
        20_000,
        `${count} final counts`,
        failedInstance(instance),
      );
    }

    async function committedMetadata() {
      const admin = new KafkaAdmin(cluster.kafka, silentLogger);
      await admin.connect();
      try {
        const committed = await admin.committedOffsetsAndMetadata(applicationId, [{ topic: events, partition: 0 }]);
        return committed.get(`${events}|0`);
      } finally {
        await admin.close();
      }
    }

    /** Waits until the application committed up to `offset`: the records before it are processed. */
    async function committedUpTo(offset: number, instance: KafkaStreams) {
      await eventually(
        async () => ((await committedMetadata())?.offset === offset ? true : undefined),
        20_000,
        `the commit of offset ${offset}`,
        failedInstance(instance),
      );
    }

    it("emits every closed window exactly once, and restores the partition time", { timeout: 90_000 }, async () => {
      const config: StreamsConfig = testStreamsConfig(cluster.bootstrap, stateDir, {
        applicationId,
        processingGuarantee: guarantee,
      });
      const first = new KafkaStreams(topology(), config, { logger: silentLogger, api: false });
      await first.start();
      try {
        // Window 0: a twice, b once. Nothing is final yet.
        await produce(cluster.kafka, events, [event("a", 1_000), event("b", 2_000), event("a", 3_000)]);
        await committedUpTo(3, first);
        // Window 1's first record closes window 0.
        await sleep(EMIT_INTERVAL_MS);
        await produce(cluster.kafka, events, [event("c", W + 1_000)]);
        const window0 = await finalsAtLeast(2, first);
        expect(window0.map((r) => [r.key?.toString(), r.value?.readBigInt64BE(0)])).toEqual([
          [`[a@${T0}/${T0 + W}]`, 2n],
          [`[b@${T0}/${T0 + W}]`, 1n],
        ]);
      } finally {
        await first.close();
      }

      // What the stop committed, as Kafka Streams reads it: the partition time and the last emit time.
      const committed = await committedMetadata();
      expect(committed?.offset).toBe(4);
      const metadata = decodeTopicPartitionMetadata(committed?.metadata);
      expect(metadata.problem).toBeUndefined();
      expect(metadata.partitionTime).toBe(T0 + W + 1_000);
      expect([...metadata.processorMetadata.entries()]).toEqual([[CLOSING_COUNTS, T0 + W + 1_000]]);

      const second = new KafkaStreams(topology(), config, { logger: silentLogger, api: false });
      await second.start();
      try {
        // Stream time moves on within window 1: window 0 was emitted, and must not be again. The
        // second record takes the committed partition time (window 1) as its timestamp.
        await produce(cluster.kafka, events, [event("c", W + 2_000), event("c", 0, AT_PARTITION_TIME)]);
        await committedUpTo(6, second);
        // Window 2's first record closes window 1.
        await sleep(EMIT_INTERVAL_MS);
        await produce(cluster.kafka, events, [event("d", 2 * W + 1_000)]);
        const all = await finalsAtLeast(3, second);
        // A little longer: a window emitted twice would show up now.
        await sleep(500);
        const settled = await readCommitted(cluster.bootstrap, finals);
        expect(settled.map((r) => [r.key?.toString(), r.value?.readBigInt64BE(0), r.timestamp])).toEqual([
          [`[a@${T0}/${T0 + W}]`, 2n, T0 + 3_000],
          [`[b@${T0}/${T0 + W}]`, 1n, T0 + 2_000],
          [`[c@${T0 + W}/${T0 + 2 * W}]`, 3n, T0 + W + 2_000],
        ]);
        expect(all.length).toBe(3);
      } finally {
        await second.close();
      }
      const last = decodeTopicPartitionMetadata((await committedMetadata())?.metadata);
      expect(last.partitionTime).toBe(T0 + 2 * W + 1_000);
      expect(last.processorMetadata.get(CLOSING_COUNTS)).toBe(T0 + 2 * W + 1_000);
    });
  },
);
