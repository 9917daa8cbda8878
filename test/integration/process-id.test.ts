// An instance keeps its process id in its state directory (kafka-streams-process-metadata, as
// Kafka Streams): restarted on the same state, it is the same process, gets its tasks back and
// restores nothing; a damaged file costs a warning and a new id, never the start.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KafkaStreams } from "../../src/index.js";
import { partitionForKey } from "../../src/kafka/partitioner.js";
import { PROCESS_FILE_NAME } from "../../src/stores/process-id.js";
import {
  createTopic,
  eventually,
  failedInstance,
  produce,
  silentLogger,
  startTestCluster,
  testStreamsConfig,
} from "./support/kafka.js";
import type { TestCluster } from "./support/kafka.js";
import { VISITS, VISIT_COUNTS_OUT, urlVisitTopology } from "./support/topologies.js";

const PARTITIONS = 2;
const RECORDS = 40;

describe("the process id", () => {
  let cluster: TestCluster;
  let stateDir: string;
  const processFile = () => join(stateDir, "process-id", PROCESS_FILE_NAME);

  beforeAll(async () => {
    cluster = await startTestCluster();
    stateDir = await mkdtemp(join(tmpdir(), "eddy-process-id-"));
    await createTopic(cluster.kafka, VISITS, PARTITIONS);
    await createTopic(cluster.kafka, VISIT_COUNTS_OUT, PARTITIONS);
    await produce(
      cluster.kafka,
      VISITS,
      Array.from({ length: RECORDS }, (_, i) => {
        const key = `page-${i % 7}`;
        return { key, value: "v", partition: partitionForKey(Buffer.from(key), PARTITIONS) };
      }),
    );
  });

  afterAll(async () => {
    await cluster.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  /** Starts the instance on the shared state directory and waits until every task runs. */
  async function run(logger = silentLogger): Promise<KafkaStreams> {
    const streams = new KafkaStreams(
      urlVisitTopology(),
      testStreamsConfig(cluster.bootstrap, stateDir, { applicationId: "process-id" }),
      { logger, api: false },
    );
    await streams.start();
    await eventually(() => (streams.isReady() ? true : undefined), 30_000, "the tasks to run", failedInstance(streams));
    return streams;
  }

  async function restoredRecords(streams: KafkaStreams): Promise<number> {
    const tasks = await streams.localTasks();
    return tasks.reduce((sum, task) => sum + (task.restore?.restored ?? 0), 0);
  }

  it("is kept in the state directory and the same after a restart, which restores nothing", async () => {
    const first = await run();
    let processId: string;
    let tasks: string[];
    try {
      await eventually(() => (first.metrics().recordsProcessed >= RECORDS ? true : undefined), 20_000, "processing");
      processId = first.processId;
      tasks = first.assignedTasks().active;
      expect(tasks).toEqual(["0_0", "0_1"]);
      expect(JSON.parse(await readFile(processFile(), "utf8"))).toEqual({ processId });
    } finally {
      await first.close();
    }

    const second = await run();
    try {
      expect(second.processId).toBe(processId);
      expect(second.assignedTasks().active).toEqual(tasks);
      expect(await restoredRecords(second)).toBe(0);
    } finally {
      await second.close();
    }
  });

  it("is replaced with a warning when its file is damaged, and the state is still used", async () => {
    await writeFile(processFile(), "{ not json");
    const warnings: string[] = [];
    const logger = pino({ level: "warn" }, { write: (line: string) => void warnings.push(line) });
    const streams = await run(logger);
    try {
      expect(streams.processId).toMatch(/^[0-9a-f-]{36}$/);
      expect(warnings.some((line) => line.includes("holds no valid process id"))).toBe(true);
      expect(JSON.parse(await readFile(processFile(), "utf8"))).toEqual({ processId: streams.processId });
      expect(await restoredRecords(streams)).toBe(0);
    } finally {
      await streams.close();
    }
  });
});
