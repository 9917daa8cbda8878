// The same topology, fed the same input, writes on the broker exactly what the
// TopologyTestDriver writes: per key, the same records in the same order.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KafkaStreams, Serdes } from "../../src/index.js";
import { partitionForKey } from "../../src/kafka/partitioner.js";
import { TopologyTestDriver } from "../../src/testing/index.js";
import {
  correlationId,
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
  ACCOUNTS,
  BANK_COMMANDS,
  BANK_EVENTS,
  BANK_REPLIES,
  VISIT_COUNTS,
  VISIT_COUNTS_OUT,
  VISITS,
  bankTopology,
  urlVisitTopology,
} from "./support/topologies.js";

/** Values per key, in order: what must match between the driver and the broker. */
function byKey(records: Array<{ key: string | null; value: string | null }>): Record<string, Array<string | null>> {
  const out: Record<string, Array<string | null>> = {};
  for (const { key, value } of records) (out[key ?? "<null>"] ??= []).push(value);
  return out;
}

describe("topology parity with the TopologyTestDriver", () => {
  let cluster: TestCluster;
  let stateDir: string;

  beforeAll(async () => {
    cluster = await startTestCluster();
    stateDir = await mkdtemp(join(tmpdir(), "eddy-parity-"));
  });

  afterAll(async () => {
    await cluster.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  it("counts URL visits the same way", async () => {
    const visits = Array.from({ length: 600 }, (_, i) => ({
      key: `https://example.com/${(i * 7) % 23}`,
      value: `visitor-${i}`,
    }));
    const driver = new TopologyTestDriver(urlVisitTopology(), { applicationId: "visits-parity" });
    const input = driver.createInputTopic(VISITS, Serdes.string(), Serdes.string());
    for (const v of visits) await input.pipeInput(v.key, v.value);
    const expected = driver
      .createOutputTopic(VISIT_COUNTS_OUT, Serdes.string(), Serdes.long())
      .readKeyValuesToList()
      .map(({ key, value }) => ({ key, value: String(value) }));
    await driver.close();

    await createTopic(cluster.kafka, VISITS, 4);
    await createTopic(cluster.kafka, VISIT_COUNTS_OUT, 4);
    await produce(
      cluster.kafka,
      VISITS,
      visits.map((v) => ({ ...v, partition: partitionOf(v.key, 4) })),
    );
    const streams = new KafkaStreams(
      urlVisitTopology(),
      testStreamsConfig(cluster.bootstrap, stateDir, { applicationId: "visits-parity", cacheMaxBytes: 0 }),
      {
        logger: silentLogger,
      },
    );
    await streams.start();
    try {
      const actual = await eventually(
        async () => {
          const records = await readCommitted(cluster.bootstrap, VISIT_COUNTS_OUT);
          return records.length >= expected.length ? records : undefined;
        },
        20_000,
        "the counts",
        failedInstance(streams),
      );
      expect(
        byKey(
          actual.map((r) => ({
            key: r.key?.toString() ?? null,
            value: r.value ? String(Serdes.long().deserialize(r.value)) : null,
          })),
        ),
      ).toEqual(byKey(expected));
      // The store, queried through the runtime, holds the final counts.
      const key = "https://example.com/5";
      await expectCommitted(streams, VISIT_COUNTS, key, visits.filter((v) => v.key === key).length);
    } finally {
      await streams.close();
    }
  });

  it("handles bank commands the same way: events, replies and account state", async () => {
    const commands: Array<{ key: string; value: string; headers: Record<string, string> }> = [];
    const add = (key: string, command: unknown, extra: Record<string, string> = {}) =>
      commands.push({
        key,
        value: JSON.stringify(command),
        headers: { "correlation-id": `c-${commands.length}`, ...extra },
      });
    for (let a = 0; a < 12; a += 1) add(`acct-${a}`, { type: "open", owner: `owner-${a}` });
    for (let i = 0; i < 300; i += 1) {
      const account = `acct-${i % 14}`; // acct-12 and acct-13 are never opened: rejections
      if (i % 7 === 3) add(account, { type: "withdraw", amount: 40 });
      else if (i % 29 === 0)
        add(account, { type: "deposit", amount: -5 }); // invalid: zod rejects it
      else add(account, { type: "deposit", amount: 10 + (i % 5) });
    }
    add("acct-1", { type: "close" });
    add("acct-1", { type: "open", owner: "again" }, { "reply-to": "bank-replies-alt" });

    const driver = new TopologyTestDriver(bankTopology(), { applicationId: "bank-parity" });
    const input = driver.createInputTopic(BANK_COMMANDS, Serdes.string(), Serdes.string());
    for (const c of commands) await input.pipeInput(c.key, c.value, { headers: c.headers });
    const expectedEvents = driver
      .createOutputTopic(BANK_EVENTS, Serdes.string(), Serdes.string())
      .readKeyValuesToList();
    const replyOf = (topic: string) =>
      driver
        .createOutputTopic(topic, Serdes.string(), Serdes.string())
        .readRecordsToList()
        .map((r) => [r.headers.lastString("correlation-id"), r.value] as const);
    const expectedReplies = new Map([...replyOf(BANK_REPLIES), ...replyOf("bank-replies-alt")]);
    const expectedAccounts = new Map<string, unknown>();
    for await (const { key, value } of driver.getKeyValueStore<string, unknown>(ACCOUNTS).all())
      expectedAccounts.set(key, value);
    await driver.close();

    for (const topic of [BANK_COMMANDS, BANK_EVENTS, BANK_REPLIES, "bank-replies-alt"])
      await createTopic(cluster.kafka, topic, 3);
    await produce(
      cluster.kafka,
      BANK_COMMANDS,
      commands.map((c) => ({ ...c, partition: partitionOf(c.key, 3) })),
    );
    const streams = new KafkaStreams(
      bankTopology(),
      testStreamsConfig(cluster.bootstrap, stateDir, { applicationId: "bank-parity", cacheMaxBytes: 0 }),
      {
        logger: silentLogger,
      },
    );
    await streams.start();
    try {
      const replies = await eventually(
        async () => {
          const records = [
            ...(await readCommitted(cluster.bootstrap, BANK_REPLIES)),
            ...(await readCommitted(cluster.bootstrap, "bank-replies-alt")),
          ];
          return records.length >= commands.length ? records : undefined;
        },
        20_000,
        "the replies",
        failedInstance(streams),
      );
      expect(replies).toHaveLength(commands.length);
      expect(new Map(replies.map((r) => [correlationId(r), r.value?.toString()]))).toEqual(expectedReplies);
      const events = await readCommitted(cluster.bootstrap, BANK_EVENTS);
      expect(
        byKey(events.map((r) => ({ key: r.key?.toString() ?? null, value: r.value?.toString() ?? null }))),
      ).toEqual(byKey(expectedEvents));
      for (const [key, account] of expectedAccounts) await expectCommitted(streams, ACCOUNTS, key, account);
    } finally {
      await streams.close();
    }
  });
});

/**
 * The key's value in the store as `streams.store()` reads it: committed state, which reaches
 * LevelDB a moment after the transaction that made the outputs visible ends (the HTTP
 * lookups wait for it; this in-process read does not), so it is awaited briefly.
 */
async function expectCommitted(streams: KafkaStreams, store: string, key: string, expected: unknown): Promise<void> {
  const { taskId } = streams.queryMetadataForKey(store, key);
  let last: unknown;
  await eventually(
    async () => {
      last = await streams.store(store, taskId).get(key);
      return JSON.stringify(last) === JSON.stringify(expected) ? true : undefined;
    },
    5_000,
    `${store} to hold ${key}'s committed value`,
  ).catch(() => undefined);
  expect(last).toEqual(expected);
}

function partitionOf(key: string, partitions: number): number {
  return partitionForKey(Buffer.from(key), partitions);
}
