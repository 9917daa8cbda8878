// Consumer groups with unmodified kafkajs: assignment across members, a clean leave, a
// member killed without LeaveGroup (evicted by its session timeout), and a restart that
// resumes from committed offsets.
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { Consumer, Kafka } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBroker, type RunningBroker } from "../../src/broker/index.js";
import { FAST_CONSUMER, kafkaClient } from "./support/kafkajs.js";
import { waitFor } from "./support/wait.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** A kafkajs group member in its own process, so it can be killed without a LeaveGroup. */
const MEMBER_SCRIPT = `
import { Kafka, logLevel } from "kafkajs";
const [bootstrap, groupId, topic, sessionTimeout] = process.argv.slice(1);
const kafka = new Kafka({ clientId: "killable", brokers: [bootstrap], logLevel: logLevel.NOTHING });
const consumer = kafka.consumer({ groupId, sessionTimeout: Number(sessionTimeout), rebalanceTimeout: 6000, heartbeatInterval: 200, maxWaitTimeInMs: 100 });
consumer.on(consumer.events.GROUP_JOIN, (e) => console.log(JSON.stringify(e.payload.memberAssignment[topic] ?? [])));
await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });
await consumer.run({ eachMessage: async () => {} });
`;

interface Member {
  partitions: number[];
  stop(): Promise<void>;
}

function track(consumer: Consumer, topic: string): Member {
  const member: Member = { partitions: [], stop: () => consumer.disconnect() };
  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    member.partitions = [...(event.payload.memberAssignment[topic] ?? [])].sort((a, b) => a - b);
  });
  return member;
}

describe("kafkajs consumer groups on the embedded broker", () => {
  let broker: RunningBroker;
  let kafka: Kafka;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    broker = await startBroker({ groupMinSessionTimeoutMs: 500 });
    kafka = kafkaClient(broker.bootstrap);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        { topic: "six", numPartitions: 6 },
        { topic: "resume", numPartitions: 6 },
      ],
    });
    await admin.disconnect();
  });

  afterAll(async () => {
    for (const child of children) child.kill("SIGKILL");
    await broker.close();
  });

  async function startMember(groupId: string, topic: string): Promise<Member> {
    const consumer = kafka.consumer({ groupId, ...FAST_CONSUMER });
    const member = track(consumer, topic);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async () => {} });
    return member;
  }

  function startKillableMember(groupId: string, topic: string): Member & { kill(): void } {
    const child = spawn(
      process.execPath,
      ["--input-type=module", "-e", MEMBER_SCRIPT, broker.bootstrap, groupId, topic, "3000"],
      {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    children.push(child);
    const member = {
      partitions: [] as number[],
      stop: async () => undefined,
      kill: () => child.kill("SIGKILL"),
    };
    createInterface({ input: child.stdout! }).on("line", (line) => {
      member.partitions = (JSON.parse(line) as number[]).sort((a, b) => a - b);
    });
    return member;
  }

  it("spreads 6 partitions 2 per member, rebalances on a clean leave, and evicts a killed member after its session timeout", async () => {
    const survivor = await startMember("trio", "six");
    const leaver = await startMember("trio", "six");
    const victim = startKillableMember("trio", "six");
    const members = [survivor, leaver, victim];
    const owned = () => members.map((m) => m.partitions.length).join(",");
    const all = (ms: { partitions: number[] }[]) => ms.flatMap((m) => m.partitions).sort((a, b) => a - b);

    await waitFor("2 partitions each", () => owned() === "2,2,2");
    expect(all(members)).toEqual([0, 1, 2, 3, 4, 5]);

    await leaver.stop();
    await waitFor(
      "3 partitions each after a clean leave",
      () => survivor.partitions.length === 3 && victim.partitions.length === 3,
    );
    expect(all([survivor, victim])).toEqual([0, 1, 2, 3, 4, 5]);

    const killedAt = Date.now();
    victim.kill();
    await waitFor("the survivor to own all 6 partitions", () => survivor.partitions.length === 6);
    // Eviction comes from the session timeout (3 s), not from the socket closing.
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(2500);
    expect(survivor.partitions).toEqual([0, 1, 2, 3, 4, 5]);
    await survivor.stop();

    const admin = kafka.admin();
    await admin.connect();
    const described = await admin.describeGroups(["trio"]);
    await admin.disconnect();
    expect(described.groups[0]).toMatchObject({
      groupId: "trio",
      state: "Empty",
      protocolType: "consumer",
      members: [],
    });
  });

  it("resumes from committed offsets: no record lost and none read twice", async () => {
    const producer = kafka.producer();
    await producer.connect();
    const total = 300;
    await producer.send({
      topic: "resume",
      messages: Array.from({ length: total }, (_, i) => ({ key: `k${i % 37}`, value: String(i) })),
    });
    await producer.disconnect();

    const key = (partition: number, offset: string) => `${partition}:${offset}`;
    const first = new Set<string>();
    const before = kafka.consumer({ groupId: "resumers", ...FAST_CONSUMER });
    await before.connect();
    await before.subscribe({ topic: "resume", fromBeginning: true });
    const stop: { done?: Promise<void> } = {};
    await before.run({
      eachMessage: async ({ partition, message }) => {
        first.add(key(partition, message.offset));
        if (first.size >= 120) stop.done ??= before.disconnect();
      },
    });
    await waitFor("the first consumer to stop", () => stop.done !== undefined);
    await stop.done;
    expect(first.size).toBeGreaterThanOrEqual(120);
    expect(first.size).toBeLessThan(total);

    const second = new Set<string>();
    let duplicates = 0;
    const after = kafka.consumer({ groupId: "resumers", ...FAST_CONSUMER });
    await after.connect();
    await after.subscribe({ topic: "resume", fromBeginning: true });
    await after.run({
      eachMessage: async ({ partition, message }) => {
        const id = key(partition, message.offset);
        if (first.has(id) || second.has(id)) duplicates += 1;
        second.add(id);
      },
    });
    await waitFor("the rest of the records", () => first.size + second.size >= total);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await after.disconnect();
    expect(duplicates).toBe(0);
    expect(first.size + second.size).toBe(total);
  });
});
