// close() closes every connection it opened, also after the broker went away and came
// back (kafkajs drops a broker it lost from its pool but keeps using it, e.g. as the
// group's coordinator, so the pool's disconnect alone would leave that socket open and
// the process alive).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import kafkajs from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KafkaStreams } from "../../src/index.js";
import { CliProcess } from "../e2e/support/cli-process.js";
import { createTopic, eventually, silentLogger, testStreamsConfig } from "./support/kafka.js";
import { freePort } from "./support/ports.js";
import { VISIT_COUNTS_OUT, VISITS, urlVisitTopology } from "./support/topologies.js";

const sockets = () => process.getActiveResourcesInfo().filter((r) => r === "TCPSocketWrap").length;

describe("close()", () => {
  let root: string;
  let port: number;
  let broker: CliProcess | undefined;

  const startBroker = async () => {
    broker = new CliProcess("broker", [
      "broker",
      "--port",
      String(port),
      "--data-dir",
      join(root, "broker"),
      "--log-level",
      "warn",
    ]);
    await broker.waitFor(/listening on/);
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "eddy-close-"));
    port = await freePort();
    await startBroker();
    const kafka = new kafkajs.Kafka({
      clientId: "t",
      brokers: [`127.0.0.1:${port}`],
      logLevel: kafkajs.logLevel.NOTHING,
    });
    await createTopic(kafka, VISITS, 2);
    await createTopic(kafka, VISIT_COUNTS_OUT, 2);
  });

  afterAll(async () => {
    await broker?.kill();
    await rm(root, { recursive: true, force: true });
  });

  it("leaves no socket open after the broker was killed and restarted", { timeout: 120_000 }, async () => {
    const before = sockets();
    const streams = new KafkaStreams(
      urlVisitTopology(),
      testStreamsConfig(`127.0.0.1:${port}`, join(root, "app"), {
        applicationId: "close-connections",
        sessionTimeoutMs: 6_000,
        heartbeatIntervalMs: 500,
      }),
      { logger: silentLogger },
    );
    await streams.start();
    await eventually(() => (streams.isReady() ? true : undefined), 30_000, "the instance to run");
    await broker?.kill();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await startBroker();
    // Back to RUNNING, and long enough for heartbeats to reconnect the coordinator.
    await eventually(() => (streams.isReady() ? true : undefined), 60_000, "the instance to run again");
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(await streams.close({ timeout: 20_000 })).toBe(true);
    await eventually(
      () => (sockets() <= before ? true : undefined),
      5_000,
      `sockets to close (${sockets()} open, ${before} before)`,
    );
  });
});
