// Three instances as separate OS processes process 30 000 bank commands on a
// 6-partition topic while one of them is killed with SIGKILL twice and restarted.
// Exactly-once: every balance equals the model, the events topic (read_committed)
// holds exactly one event per accepted command, and every command has one reply.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import { partitionForKey } from "../../src/kafka/partitioner.js";
import {
  createTopic,
  eventually,
  produce,
  readCommitted,
  startTestCluster,
  testStreamsConfig,
} from "../integration/support/kafka.js";
import type { TestCluster } from "../integration/support/kafka.js";
import {
  BANK_COMMANDS,
  BANK_EVENTS,
  BANK_REPLIES,
  bankCommands,
  bankModel,
} from "../integration/support/topologies.js";
import { expectBankMatchesModel } from "./support/bank-outcome.js";
import { StreamsProcess } from "./support/processes.js";

const PARTITIONS = 6;
const COMMANDS = 30_000;

describe("exactly-once across kill -9", () => {
  let cluster: TestCluster;
  let root: string;
  const processes: StreamsProcess[] = [];

  beforeAll(async () => {
    cluster = await startTestCluster();
    root = await mkdtemp(join(tmpdir(), "eddy-e2e-crash-"));
    for (const topic of [BANK_COMMANDS, BANK_EVENTS, BANK_REPLIES]) await createTopic(cluster.kafka, topic, PARTITIONS);
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill()));
    await cluster.close();
    await rm(root, { recursive: true, force: true });
  });

  it("applies every command exactly once while an instance is killed twice", { timeout: 180_000 }, async () => {
    const commands = bankCommands(COMMANDS, 500);
    const model = bankModel(commands);
    const start = (name: string) => {
      const p = new StreamsProcess(name, {
        topology: "bank",
        config: testStreamsConfig(cluster.bootstrap, join(root, name), { applicationId: "bank-e2e" }),
      });
      processes.push(p);
      return p;
    };
    let sent = 0;
    const sendUpTo = async (until: number) => {
      for (; sent < until; sent += 1_000) {
        const slice = commands.slice(sent, Math.min(until, sent + 1_000));
        await produce(
          cluster.kafka,
          BANK_COMMANDS,
          slice.map((c) => ({ ...c, partition: partitionForKey(Buffer.from(c.key), PARTITIONS) })),
        );
      }
      sent = until;
    };
    const replies = async () => (await readCommitted(cluster.bootstrap, BANK_REPLIES)).length;

    const [a, b, c] = [start("a"), start("b"), start("c")];
    await Promise.all([a, b, c].map((p) => p.waitForState("RUNNING")));
    await sendUpTo(8_000);
    await eventually(async () => ((await replies()) >= 3_000 ? true : undefined), 60_000, "first replies");
    await b.kill();
    await sendUpTo(16_000);
    const b2 = start("b");
    await b2.waitForState("RUNNING");
    await eventually(async () => ((await replies()) >= 12_000 ? true : undefined), 60_000, "more replies");
    await b2.kill();
    await sendUpTo(24_000);
    const b3 = start("b");
    await b3.waitForState("RUNNING");
    await sendUpTo(COMMANDS);

    await expectBankMatchesModel({
      bootstrap: cluster.bootstrap,
      applicationId: "bank-e2e",
      commands: COMMANDS,
      model,
      repliesWithinMs: 120_000,
    });
  });
});
