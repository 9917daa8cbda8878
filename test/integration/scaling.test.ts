// Instances join and leave while commands flow: partitions move to the new instances
// and back, and every command is applied exactly once (one reply each, one event per
// accepted command, balances as the model computes them).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KafkaStreams } from "../../src/index.js";
import { partitionForKey } from "../../src/kafka/partitioner.js";
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
  bankCommands,
  bankModel,
  bankTopology,
} from "./support/topologies.js";

const PARTITIONS = 6;

describe("scaling out and in", () => {
  let cluster: TestCluster;
  let root: string;

  beforeAll(async () => {
    cluster = await startTestCluster();
    root = await mkdtemp(join(tmpdir(), "eddy-scaling-"));
    for (const topic of [BANK_COMMANDS, BANK_EVENTS, BANK_REPLIES]) await createTopic(cluster.kafka, topic, PARTITIONS);
  });

  afterAll(async () => {
    await cluster.close();
    await rm(root, { recursive: true, force: true });
  });

  it("moves partitions to new instances and back without losing or repeating a command", async () => {
    const commands = bankCommands(6_000, 60);
    const model = bankModel(commands);
    const instance = async (name: string) => {
      const streams = new KafkaStreams(
        bankTopology(),
        testStreamsConfig(cluster.bootstrap, join(root, name), {
          applicationId: "bank-scaling",
          applicationServer: `${name}:8080`,
        }),
        // The names only travel in the group's metadata here: no API is served on them.
        { logger: silentLogger, api: false },
      );
      await streams.start();
      return streams;
    };
    let sent = 0;
    const sendSome = async (count: number) => {
      const slice = commands.slice(sent, sent + count);
      sent += slice.length;
      await produce(
        cluster.kafka,
        BANK_COMMANDS,
        slice.map((c) => ({ ...c, partition: partitionForKey(Buffer.from(c.key), PARTITIONS) })),
      );
    };
    const activeCounts = (...all: KafkaStreams[]) =>
      all.map((s) => (s.state() === "RUNNING" ? s.assignedTasks().active.length : -1));
    const settle = async (expected: number[], ...all: KafkaStreams[]) =>
      eventually(
        () => (JSON.stringify(activeCounts(...all)) === JSON.stringify(expected) ? true : undefined),
        30_000,
        `tasks spread as ${expected.join("/")}`,
        failedInstance(...all),
      );

    const a = await instance("a");
    await sendSome(1_000);
    await settle([6], a);
    const b = await instance("b");
    await sendSome(1_000);
    await settle([3, 3], a, b);
    const c = await instance("c");
    await sendSome(1_500);
    await settle([2, 2, 2], a, b, c);
    // Every instance serves the same host map: each task active on exactly one host.
    const hosts = a.hostMap();
    expect([...hosts.keys()].sort()).toEqual(["a:8080", "b:8080", "c:8080"]);
    expect([...hosts.values()].flatMap((h) => h.active).sort()).toEqual(["0_0", "0_1", "0_2", "0_3", "0_4", "0_5"]);
    expect(b.hostMap()).toEqual(hosts);
    await sendSome(1_000);
    await c.close();
    await settle([3, 3], a, b);
    await sendSome(500);
    await b.close();
    await settle([6], a);
    await sendSome(commands.length - sent);

    const replies = await eventually(
      async () => {
        const records = await readCommitted(cluster.bootstrap, BANK_REPLIES);
        return records.length >= commands.length ? records : undefined;
      },
      30_000,
      "every reply",
      failedInstance(a),
    );
    const perCommand = new Map<string, number>();
    for (const r of replies) {
      const id = correlationId(r);
      perCommand.set(id, (perCommand.get(id) ?? 0) + 1);
    }
    expect(perCommand.size).toBe(commands.length);
    expect([...perCommand.values()].every((n) => n === 1)).toBe(true);
    const events = await readCommitted(cluster.bootstrap, BANK_EVENTS);
    expect(events).toHaveLength(model.acceptedEvents);
    const eventsByAccount = new Map<string, string[]>();
    for (const e of events) {
      const list = eventsByAccount.get(e.key?.toString() ?? "") ?? [];
      list.push(e.value?.toString() ?? "");
      eventsByAccount.set(e.key?.toString() ?? "", list);
    }
    expect(eventsByAccount).toEqual(model.events);
    for (const [key, account] of model.accounts) {
      const { taskId } = a.queryMetadataForKey(ACCOUNTS, key);
      expect(await a.store(ACCOUNTS, taskId).get(key)).toEqual(account);
    }
    await a.close();
  });
});
