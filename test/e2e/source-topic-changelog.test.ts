// topology.optimization reuse.ktable.source.topics on Kafka (Kafka Streams'
// connectSourceStoreAndTopic): a source table's store has no changelog topic; an instance
// killed with SIGKILL and started again on an empty state directory restores the table from
// its source topic, up to the offset the group committed (Kafka Streams' StoreChangelogReader
// restores a source changelog to min(end, committed)), and processes the rest; one started
// again on its old state directory restores from its checkpoint, the input offset it
// committed with the store's rows, to the committed offset.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { KafkaAdmin } from "../../src/kafka/admin-client.js";
import { partitionForKey } from "../../src/kafka/partitioner.js";
import { changelogPartition } from "../../src/stores/checkpoint.js";
import { LevelDbTaskStorage } from "../../src/stores/leveldb-task-storage.js";
import {
  createTopic,
  eventually,
  produce,
  readCommitted,
  silentLogger,
  startTestCluster,
  testStreamsConfig,
} from "../integration/support/kafka.js";
import type { TestCluster } from "../integration/support/kafka.js";
import { PRICED_ORDERS, PRICE_ORDERS, PRICE_STORE, PRICES } from "../integration/support/topologies.js";
import { freePort } from "../integration/support/ports.js";
import { StreamsProcess } from "./support/processes.js";

const PARTITIONS = 2;
const PRODUCTS = 50;
const APP = "priced";

const product = (i: number) => `product-${i}`;
const toPartition = (key: string) => partitionForKey(Buffer.from(key), PARTITIONS);

describe("a source table restored from its topic after kill -9", () => {
  let cluster: TestCluster;
  let root: string;
  const processes: StreamsProcess[] = [];

  beforeEach(async () => {
    cluster = await startTestCluster();
    root = await mkdtemp(join(tmpdir(), "eddy-e2e-source-changelog-"));
    for (const topic of [PRICES, PRICE_ORDERS, PRICED_ORDERS]) await createTopic(cluster.kafka, topic, PARTITIONS);
  });

  afterEach(async () => {
    await Promise.all(processes.splice(0).map((p) => p.kill()));
    await cluster.close();
    await rm(root, { recursive: true, force: true });
  });

  /** Every product's price, version `version`. */
  const sendPrices = (version: number) =>
    produce(
      cluster.kafka,
      PRICES,
      Array.from({ length: PRODUCTS }, (_, i) => ({
        key: product(i),
        value: `${version}.${i}`,
        partition: toPartition(product(i)),
      })),
    );
  /** One order of every product; resolves with what they were priced at, by product. */
  const orders: { sent: number } = { sent: 0 };
  const pricedAt = async (): Promise<Map<string, string>> => {
    const quantity = `q${orders.sent}`;
    await produce(
      cluster.kafka,
      PRICE_ORDERS,
      Array.from({ length: PRODUCTS }, (_, i) => ({
        key: product(i),
        value: quantity,
        partition: toPartition(product(i)),
      })),
    );
    orders.sent += PRODUCTS;
    const priced = await eventually(
      async () => {
        const records = await readCommitted(cluster.bootstrap, PRICED_ORDERS);
        return records.length >= orders.sent ? records : undefined;
      },
      60_000,
      `${orders.sent} priced orders`,
    );
    return new Map(
      priced
        .filter((r) => r.value?.toString().startsWith(`${quantity} x `))
        .map((r) => [r.key?.toString() ?? "", r.value?.toString().slice(`${quantity} x `.length) ?? ""]),
    );
  };
  const expected = (version: number) =>
    new Map(Array.from({ length: PRODUCTS }, (_, i) => [product(i), `${version}.${i}`]));
  const ports = new Map<string, number>();
  const config = async (name: string, dir: string) => {
    const port = await freePort();
    ports.set(name, port);
    return {
      topology: "priced-orders" as const,
      config: {
        ...testStreamsConfig(cluster.bootstrap, join(root, dir), { applicationId: APP, cacheMaxBytes: 0 }),
        applicationServer: `127.0.0.1:${port}`,
      },
    };
  };
  /**
   * Until the instance's table holds version `version` of every price (its HTTP API): a task
   * processes its partitions' batches as they come, so orders sent earlier could meet older prices.
   */
  const pricesServed = (name: string, version: number) =>
    eventually(
      async () => {
        const answer = (await (
          await fetch(`http://127.0.0.1:${ports.get(name)}/stores/${PRICE_STORE}/keys?limit=1000`)
        ).json()) as { entries?: Array<{ key: string; value: string }> };
        const served = new Map((answer.entries ?? []).map((e) => [e.key, e.value]));
        return [...expected(version)].every(([key, value]) => served.get(key) === value) ? true : undefined;
      },
      60_000,
      `${name} serving version ${version} of the prices`,
    );
  const restoredOf = (p: StreamsProcess) =>
    new Map(p.eventsOf("restore-end").map((e) => [`${e.taskId}/${e.store}`, e.restored]));

  it(
    "restores to the committed offset from the source topic, with no changelog topic",
    { timeout: 180_000 },
    async () => {
      const a = new StreamsProcess("a", await config("a", "a"));
      processes.push(a);
      await a.waitForState("RUNNING");
      await sendPrices(1);
      await sendPrices(2);
      // Served: committed with the prices' offsets, which are the store's checkpoint.
      await pricesServed("a", 2);
      expect(await pricedAt()).toEqual(expected(2));
      await a.kill();

      const admin = new KafkaAdmin(cluster.kafka, silentLogger);
      await admin.connect();
      const topics = await admin.listTopics().finally(() => admin.close());
      expect(topics.filter((topic) => topic.startsWith(`${APP}-`) && topic.endsWith("-changelog"))).toEqual([]);

      // Written while no instance runs: past the committed offsets, so processed, not restored.
      await sendPrices(3);
      const b = new StreamsProcess("b", await config("b", "b"));
      processes.push(b);
      await b.waitForState("RUNNING");
      const perPartition = (versions: number) =>
        new Map(
          Array.from({ length: PARTITIONS }, (_, p) => [
            `0_${p}/${PRICE_STORE}`,
            versions *
              Array.from({ length: PRODUCTS }, (_, i) => toPartition(product(i))).filter((x) => x === p).length,
          ]),
        );
      expect(restoredOf(b)).toEqual(perPartition(2));
      await pricesServed("b", 3);
      expect(await pricedAt()).toEqual(expected(3));
      await b.stop();

      // a's own state directory: its checkpoint is the prices' offset it committed (two versions).
      for (let p = 0; p < PARTITIONS; p += 1) {
        const checkpoint = await LevelDbTaskStorage.peekCheckpoint({
          stateDir: join(root, "a"),
          applicationId: APP,
          taskId: `0_${p}`,
        });
        expect(checkpoint?.get(changelogPartition(PRICES, p))).toBe(perPartition(2).get(`0_${p}/${PRICE_STORE}`));
      }
      await sendPrices(4);
      const a2 = new StreamsProcess("a2", await config("a2", "a"));
      processes.push(a2);
      await a2.waitForState("RUNNING");
      // From its checkpoint to what b committed: the third version only; the fourth is processed.
      expect(restoredOf(a2)).toEqual(perPartition(1));
      await pricesServed("a2", 4);
      expect(await pricedAt()).toEqual(expected(4));
      await a2.stop();
    },
  );
});
