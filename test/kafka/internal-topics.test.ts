import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KafkaAdmin } from "../../src/kafka/admin-client.js";
import { createKafkaClient } from "../../src/kafka/client.js";
import { InternalTopicError } from "../../src/kafka/errors.js";
import { CHANGELOG_CONFIGS, REPARTITION_CONFIGS, ensureInternalTopics } from "../../src/kafka/internal-topics.js";
import { createTopic, silentLogger, startTestCluster } from "../integration/support/kafka.js";
import type { TestCluster } from "../integration/support/kafka.js";

describe("ensureInternalTopics", () => {
  let cluster: TestCluster;
  let admin: KafkaAdmin;
  const options = { replicationFactor: -1, logger: silentLogger };

  beforeAll(async () => {
    cluster = await startTestCluster();
    admin = new KafkaAdmin(
      createKafkaClient({ clientId: "t", brokers: [cluster.bootstrap], logger: silentLogger }),
      silentLogger,
    );
    await admin.connect();
  });

  afterAll(async () => {
    await admin.close();
    await cluster.close();
  });

  it("creates missing topics with their partition counts and configs, and accepts them on the next start", async () => {
    const specs = [
      { name: "app-counts-changelog", kind: "changelog" as const, partitions: 4, configs: CHANGELOG_CONFIGS },
      { name: "app-by-user-repartition", kind: "repartition" as const, partitions: 2, configs: REPARTITION_CONFIGS },
      { name: "app-dlq", kind: "dead-letter" as const, partitions: 4, configs: {} },
    ];
    const counts = await ensureInternalTopics(admin, specs, options);
    expect(Object.fromEntries(counts)).toEqual({
      "app-counts-changelog": 4,
      "app-by-user-repartition": 2,
      "app-dlq": 4,
    });
    expect((await admin.topicConfig(["app-counts-changelog"], "cleanup.policy")).get("app-counts-changelog")).toBe(
      "compact",
    );
    expect(Object.fromEntries(await ensureInternalTopics(admin, specs, options))).toEqual(Object.fromEntries(counts));
  });

  it("rejects an existing changelog with the wrong partition count, naming it", async () => {
    await createTopic(cluster.kafka, "app2-store-changelog", 3, { "cleanup.policy": "compact" });
    const spec = {
      name: "app2-store-changelog",
      kind: "changelog" as const,
      partitions: 6,
      configs: CHANGELOG_CONFIGS,
    };
    const error = await ensureInternalTopics(admin, [spec], options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalTopicError);
    expect((error as Error).message).toMatch(/app2-store-changelog has 3 partitions but the topology needs 6/);
  });

  it("rejects a changelog that is not compacted", async () => {
    await createTopic(cluster.kafka, "app3-store-changelog", 2, { "cleanup.policy": "delete" });
    const spec = {
      name: "app3-store-changelog",
      kind: "changelog" as const,
      partitions: 2,
      configs: CHANGELOG_CONFIGS,
    };
    await expect(ensureInternalTopics(admin, [spec], options)).rejects.toThrow(
      /cleanup.policy=delete; a changelog must be compacted/,
    );
  });

  it("accepts a dead-letter topic of any size", async () => {
    await createTopic(cluster.kafka, "app4-dlq", 1);
    const counts = await ensureInternalTopics(
      admin,
      [{ name: "app4-dlq", kind: "dead-letter", partitions: 8, configs: {} }],
      options,
    );
    expect(counts.get("app4-dlq")).toBe(1);
  });
});
