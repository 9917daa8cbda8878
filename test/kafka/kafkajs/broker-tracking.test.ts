// kafkajs drops a broker whose connection closed from its pool (removeBroker) while the
// consumer group, for one, keeps using that Broker as its coordinator: it reconnects on
// the next heartbeat, outside the pool. closeEveryBroker makes the cluster's disconnect
// close it too, so that close() leaves no socket behind.
import kafkajs from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBroker } from "../../../src/broker/index.js";
import type { RunningBroker } from "../../../src/broker/index.js";
import { closeEveryBroker } from "../../../src/kafka/kafkajs/broker-tracking.js";
import { registerClient } from "../../../src/kafka/kafkajs/client-hooks.js";
import type { ClusterInternals } from "../../../src/kafka/kafkajs/kafkajs-internals.js";
import { eventually, silentLogger } from "../../integration/support/kafka.js";

interface ClusterWithPool extends ClusterInternals {
  brokerPool: { removeBroker(destination: { host: string; port: number }): void };
  connect(): Promise<void>;
}

const sockets = () => process.getActiveResourcesInfo().filter((r) => r === "TCPSocketWrap").length;

describe("closeEveryBroker", () => {
  let broker: RunningBroker;

  beforeAll(async () => {
    broker = await startBroker({ port: 0, logger: silentLogger });
  });

  afterAll(async () => {
    await broker.close();
  });

  /** A cluster whose broker was dropped from the pool but reconnected by its holder. */
  async function orphanedConnection(fixes: Array<(cluster: ClusterInternals) => void>) {
    const kafka = new kafkajs.Kafka({ clientId: "t", brokers: [broker.bootstrap], logLevel: kafkajs.logLevel.NOTHING });
    let cluster: ClusterWithPool | undefined;
    // No fast paths: the fix is installed whatever their setting.
    registerClient(kafka, false, [], [...fixes, (c) => (cluster = c as ClusterWithPool)]);
    const admin = kafka.admin();
    await admin.connect();
    await admin.fetchTopicMetadata({ topics: [] });
    const held = (await cluster!.findBroker({ nodeId: String(broker.nodeId) })) as {
      connect(): Promise<void>;
      isConnected(): boolean;
    };
    // What kafkajs does on KafkaJSConnectionClosedError; the holder then reconnects.
    cluster!.brokerPool.removeBroker({ host: broker.host, port: broker.port });
    await held.connect();
    expect(held.isConnected()).toBe(true);
    return { admin, held };
  }

  it("closes a broker the pool dropped but a holder reconnected", async () => {
    const before = sockets();
    const { admin, held } = await orphanedConnection([closeEveryBroker]);
    await admin.disconnect();
    expect(held.isConnected()).toBe(false);
    await eventually(() => (sockets() <= before ? true : undefined), 5_000, "the sockets to close");
  });

  it("is needed: without it the dropped broker's socket stays open", async () => {
    const { admin, held } = await orphanedConnection([]);
    await admin.disconnect();
    expect(held.isConnected()).toBe(true);
    await (held as unknown as { disconnect(): Promise<void> }).disconnect();
  });
});
