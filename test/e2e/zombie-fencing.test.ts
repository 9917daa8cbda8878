// Exactly-once v2 against a zombie: two bank instances as OS processes; one is frozen (SIGSTOP)
// in the middle of the load, past its session timeout, so the group gives its partitions to the
// other, then thawed (SIGCONT). It wakes with an open transaction and fetched records, as if
// nothing happened. With one transactional id per instance, nothing fences its producer; the
// group does (KIP-447): its offsets carry a generation and member id the coordinator no longer
// takes, so its transaction can only abort. Afterwards every balance equals the model, the
// events topic (read_committed) holds exactly one event per accepted command, and every command
// has exactly one reply.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
const COMMANDS = 16_000;
const SESSION_TIMEOUT_MS = 3_000;
/** What the thawed instance logs when it finds it was out of the group, or when its commit was refused. */
const FENCED = [
  "this member was out of the group; its tasks resume from their committed state",
  "task lost its uncommitted work; it will be re-initialised",
];

describe("exactly-once v2 against a frozen instance (zombie fencing)", () => {
  let cluster: TestCluster;
  let root: string;
  const processes: StreamsProcess[] = [];

  beforeAll(async () => {
    cluster = await startTestCluster();
    root = await mkdtemp(join(tmpdir(), "eddy-e2e-zombie-"));
    for (const topic of [BANK_COMMANDS, BANK_EVENTS, BANK_REPLIES]) await createTopic(cluster.kafka, topic, PARTITIONS);
  });

  afterAll(async () => {
    for (const p of processes) p.thaw();
    await Promise.all(processes.map((p) => p.kill()));
    await cluster.close();
    await rm(root, { recursive: true, force: true });
  });

  it("aborts the zombie's transaction: no command is lost or applied twice", { timeout: 240_000 }, async () => {
    const commands = bankCommands(COMMANDS, 400);
    const model = bankModel(commands);
    const start = (name: string) => {
      const p = new StreamsProcess(name, {
        topology: "bank",
        config: testStreamsConfig(cluster.bootstrap, join(root, name), {
          applicationId: "bank-zombie",
          processingGuarantee: "exactly_once_v2",
          sessionTimeoutMs: SESSION_TIMEOUT_MS,
        }),
      });
      processes.push(p);
      return p;
    };
    let sent = 0;
    const sendUpTo = async (until: number) => {
      for (; sent < until; sent += 500) {
        const slice = commands.slice(sent, Math.min(until, sent + 500));
        await produce(
          cluster.kafka,
          BANK_COMMANDS,
          slice.map((c) => ({ ...c, partition: partitionForKey(Buffer.from(c.key), PARTITIONS) })),
        );
      }
      sent = until;
    };
    const replies = async () => (await readCommitted(cluster.bootstrap, BANK_REPLIES)).length;

    const [zombie, survivor] = [start("zombie"), start("survivor")];
    await Promise.all([zombie, survivor].map((p) => p.waitForState("RUNNING")));
    await sendUpTo(4_000);
    await eventually(async () => ((await replies()) >= 1_000 ? true : undefined), 60_000, "first replies");
    // Frozen while it processes: an open transaction with records in it, fetched batches in memory.
    await sendUpTo(8_000);
    zombie.freeze();
    const frozenAt = survivor.events.length;
    await sendUpTo(12_000);
    // The group evicts it after its session timeout; the survivor takes every partition.
    await survivor.waitForState("RUNNING", frozenAt, 60_000);
    await new Promise((resolve) => setTimeout(resolve, SESSION_TIMEOUT_MS));
    zombie.thaw();
    await sendUpTo(COMMANDS);
    await zombie.waitForState("RUNNING", 0, 60_000);

    await expectBankMatchesModel({
      bootstrap: cluster.bootstrap,
      applicationId: "bank-zombie",
      commands: COMMANDS,
      model,
      repliesWithinMs: 150_000,
    });

    // The thawed instance did find out: it was out of the group, or its commit was refused.
    expect(
      FENCED.some((message) => zombie.logged.has(message)),
      [...zombie.logged].join("\n"),
    ).toBe(true);
  });
});
