// Health tells the truth: a task that cannot make progress turns /ready false and /health
// DEGRADED with the task and the reason, and shows in /metrics, until it commits again.
// The stall is one an operator makes: the output topic is deleted while the application
// runs, so every send is refused as UNKNOWN_TOPIC_OR_PARTITION (retriable) until the delivery timeout
// (Kafka's delivery.timeout.ms) fails it; the task loses its transaction and comes back at the
// same committed offset again and again. Creating the topic lets it through, and the instance
// reports UP again.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KafkaStreams, Serdes, StreamsBuilder } from "../../src/index.js";
import { getJson } from "../api/support/cluster.js";
import {
  createTopic,
  eventually,
  produce,
  readCommitted,
  silentLogger,
  startTestCluster,
  testStreamsConfig,
  type TestCluster,
} from "./support/kafka.js";
import { freePort } from "./support/ports.js";

let cluster: TestCluster;
let stateDir: string;

beforeAll(async () => {
  cluster = await startTestCluster();
  stateDir = await mkdtemp(join(tmpdir(), "eddy-stalled-"));
});

afterAll(async () => {
  await cluster?.close();
  await rm(stateDir, { recursive: true, force: true });
});

describe("a task that cannot make progress", () => {
  it("makes /health DEGRADED and /ready false with the task and the reason, and shows in /metrics, until it commits", async () => {
    await createTopic(cluster.kafka, "stall-in", 2);
    await createTopic(cluster.kafka, "stall-out", 1);
    const builder = new StreamsBuilder();
    builder
      .stream("stall-in", { key: Serdes.string(), value: Serdes.string() })
      .to("stall-out", { key: Serdes.string(), value: Serdes.string() });
    const port = await freePort();
    const streams = new KafkaStreams(
      builder.build(),
      testStreamsConfig(cluster.bootstrap, stateDir, {
        applicationId: "stalled-task",
        applicationServer: `127.0.0.1:${port}`,
        processingGuarantee: "exactly_once",
        // Each failed attempt ends sooner (the broker aborts the stuck transaction), on Apache
        // Kafka as on the embedded broker.
        transactionTimeoutMs: 3_000,
        deliveryTimeoutMs: 4_000,
      }),
      { logger: silentLogger },
    );
    try {
      await streams.start();
      const url = streams.apiServer!.url;
      await eventually(async () => ((await getJson(`${url}/ready`)).status === 200 ? true : undefined), 30_000);
      const admin = cluster.kafka.admin();
      await admin.connect();
      try {
        await admin.deleteTopics({ topics: ["stall-out"] });
      } finally {
        await admin.disconnect();
      }
      await produce(cluster.kafka, "stall-in", [{ partition: 1, key: "k", value: "v" }]);

      const health = await eventually(
        async () => {
          const answer = await getJson(`${url}/health`);
          return (answer.body as { status: string }).status === "DEGRADED" ? answer : undefined;
        },
        270_000,
        "/health to say DEGRADED",
      );
      expect(health.status).toBe(200);
      expect(health.body).toMatchObject({
        status: "DEGRADED",
        state: expect.stringMatching(/RUNNING|REBALANCING/) as unknown,
        stalled: [
          {
            taskId: "0_1",
            kind: "repeated-failure",
            reason: expect.stringMatching(
              /failed \d+ times in a row at stall-in-1@0 without committing: .+/,
            ) as unknown,
          },
        ],
      });
      const ready = await getJson(`${url}/ready`);
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({ ready: false, stalled: [{ taskId: "0_1", kind: "repeated-failure" }] });
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toContain('eddy_task_stalled{task_id="0_1",kind="repeated-failure"} 1');
      expect(metrics).toMatch(/^eddy_stalled_tasks 1$/m);
      expect(metrics).toMatch(/^eddy_ready 0$/m);

      // The operator creates the topic again: the task commits, and the instance is UP and ready again.
      await createTopic(cluster.kafka, "stall-out", 1);
      await eventually(
        async () => ((await getJson(`${url}/ready`)).status === 200 ? true : undefined),
        90_000,
        "/ready to answer 200 again",
      );
      expect((await getJson(`${url}/health`)).body).toMatchObject({ status: "UP", stalled: [] });
      expect((await readCommitted(cluster.bootstrap, "stall-out")).map((r) => r.value?.toString())).toEqual(["v"]);
    } finally {
      await streams.close({ timeout: 20_000 });
    }
  }, 420_000);
});
