// The bank on a three-broker Apache Kafka cluster (replication factor 3, min.insync.replicas 2),
// three Eddy instances as separate OS processes, 30 000 commands, while the test kill -9s a
// broker leading command partitions, then the broker that coordinates the group and a task's
// transactions, restarts each, kill -9s an Eddy instance and restarts it, and freezes a broker
// (SIGSTOP) past the session timeouts before resuming it. Exactly once, all the same: every
// balance equals the model, the events topic (read_committed) holds one event per accepted
// command, every command has exactly one reply. `npm run test:faults` runs it (it needs Java).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import kafkajs from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { partitionForKey } from "../../src/kafka/partitioner.js";
import { StreamsProcess } from "../e2e/support/processes.js";
import {
  correlationId,
  createTopic,
  eventually,
  readCommitted,
  testStreamsConfig,
} from "../integration/support/kafka.js";
import {
  ACCOUNTS,
  BANK_COMMANDS,
  BANK_EVENTS,
  BANK_REPLIES,
  bankCommands,
  bankModel,
  evolveBank,
  NO_ACCOUNT,
} from "../integration/support/topologies.js";
import type { Account, BankCommandRecord, BankEvent } from "../integration/support/topologies.js";
import { startApacheKafka } from "../support/apache-kafka/index.js";
import type { ApacheKafka } from "../support/apache-kafka/index.js";
import { DEFAULT_KAFKA_LINE } from "../support/apache-kafka/versions.js";
import { testKafkaSelection } from "../support/kafka-under-test/kafka-under-test.js";
import { diagnoseEvents, diagnoseMissingReplies } from "./missing-replies.js";

const PARTITIONS = 6;
const COMMANDS = 30_000;
const APPLICATION = "bank-faults";
/** The harness's internal-topic partition counts on three nodes (server-properties.ts). */
const INTERNAL_PARTITIONS = 12;
const selection = testKafkaSelection();
const line = selection.kind === "apache" ? selection.line : DEFAULT_KAFKA_LINE;

/** Java's String.hashCode, which Kafka maps group and transactional ids to coordinator partitions with. */
function javaHashCode(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i += 1) hash = (Math.imul(31, hash) + text.charCodeAt(i)) | 0;
  return hash;
}

/** Kafka's partitionFor of a coordinator: Utils.abs(id.hashCode) % partitions. */
function coordinatorPartition(id: string): number {
  const hash = javaHashCode(id);
  return (hash === -2147483648 ? 0 : Math.abs(hash)) % INTERNAL_PARTITIONS;
}

describe(`the bank on three Apache Kafka ${line} brokers under faults`, () => {
  let kafka: ApacheKafka;
  let root: string;
  const processes: StreamsProcess[] = [];
  const log: string[] = [];

  /** A client of the nodes that are up (a killed or frozen node would only slow it down). */
  const client = () =>
    new kafkajs.Kafka({
      clientId: "faults-test",
      brokers: kafka.nodes.filter((n) => n.state === "running").map((n) => n.bootstrap),
      logLevel: kafkajs.logLevel.NOTHING,
      retry: { retries: 20, initialRetryTime: 200, maxRetryTime: 5_000 },
    });
  const anyBroker = () => kafka.nodes.find((n) => n.state === "running")!.bootstrap;

  async function leaderOf(topic: string, partition: number): Promise<number> {
    const admin = client().admin();
    await admin.connect();
    try {
      return await eventually(
        async () => {
          const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
          const leader = topics[0]?.partitions.find((p) => p.partitionId === partition)?.leader;
          return leader !== undefined && leader >= 0 ? leader : undefined;
        },
        60_000,
        `the leader of ${topic}-${partition}`,
      );
    } finally {
      await admin.disconnect();
    }
  }

  beforeAll(async () => {
    kafka = await startApacheKafka({ line, nodes: 3 });
    root = await mkdtemp(join(tmpdir(), "eddy-faults-"));
    for (const topic of [BANK_COMMANDS, BANK_EVENTS, BANK_REPLIES]) await createTopic(client(), topic, PARTITIONS);
  }, 300_000);

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill()));
    for (const node of kafka?.nodes ?? []) if (node.state === "frozen") node.thaw();
    await kafka?.stop({ kill: true });
    await rm(root, { recursive: true, force: true });
  });

  it(
    "applies every command exactly once through broker kill -9s, an instance kill -9 and a frozen broker",
    { timeout: 900_000 },
    async () => {
      const failure = (what: string) =>
        `${what} (Kafka's logs: ${kafka.logFiles.join(", ")}; steps: ${log.join("; ")})`;
      const commands = bankCommands(COMMANDS, 500);
      const model = bankModel(commands);
      const start = (name: string) => {
        const p = new StreamsProcess(name, {
          topology: "bank",
          config: testStreamsConfig(kafka.bootstrap, join(root, name), {
            applicationId: APPLICATION,
            replicationFactor: 3,
            sessionTimeoutMs: 6_000,
            heartbeatIntervalMs: 500,
          }),
        });
        processes.push(p);
        return p;
      };

      // The commands go in with an idempotent producer: a retry after a broker dies never doubles one.
      const producer = client().producer({
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner:
          () =>
          ({ message }) =>
            message.partition ?? 0,
      });
      await producer.connect();
      let sent = 0;
      const sendUpTo = async (until: number) => {
        for (; sent < until; sent += 1_000) {
          const slice: BankCommandRecord[] = commands.slice(sent, Math.min(until, sent + 1_000));
          // One partition per send: a kafkajs send spanning several leaders can drop or
          // double records when it retries after a leader moved (src/kafka/produce.ts).
          const byPartition = new Map<number, BankCommandRecord[]>();
          for (const c of slice) {
            const partition = partitionForKey(Buffer.from(c.key), PARTITIONS);
            byPartition.set(partition, [...(byPartition.get(partition) ?? []), c]);
          }
          await Promise.all(
            [...byPartition].map(([partition, messages]) =>
              producer.send({ topic: BANK_COMMANDS, acks: -1, messages: messages.map((c) => ({ ...c, partition })) }),
            ),
          );
        }
        sent = until;
      };
      const repliesAtLeast = (count: number, what: string) =>
        eventually(
          async () => ((await readCommitted(anyBroker(), BANK_REPLIES)).length >= count ? true : undefined),
          180_000,
          failure(what),
        );
      const killBroker = async (id: number, why: string) => {
        log.push(`kill -9 broker ${id} (${why})`);
        await kafka.node(id).kill();
      };
      const restartBroker = async (id: number) => {
        log.push(`restart broker ${id}`);
        // A restarted node loads every partition's log first: on a loaded machine that alone
        // can take a minute or more.
        await kafka.restart(id, 240_000);
      };

      try {
        const [a, b, c] = [start("a"), start("b"), start("c")];
        await Promise.all([a, b, c].map((p) => p.waitForState("RUNNING", 0, 120_000)));
        await sendUpTo(5_000);
        await repliesAtLeast(2_000, "the first replies");

        // 1. The leader of a command partition.
        const leader = await leaderOf(BANK_COMMANDS, 0);
        await killBroker(leader, `leader of ${BANK_COMMANDS}-0`);
        await sendUpTo(10_000);
        await restartBroker(leader);
        await repliesAtLeast(7_000, "the replies after a leader's kill");

        // 2. An instance.
        log.push("kill -9 instance b");
        await b.kill();
        await sendUpTo(15_000);
        const b2 = start("b");
        await b2.waitForState("RUNNING", 0, 120_000);
        await repliesAtLeast(12_000, "the replies after an instance's kill");

        // 3. The group coordinator, and the transaction coordinator of a task's producer
        //    (the same broker when both map to partitions it leads; otherwise each in turn).
        const groupCoordinator = await leaderOf("__consumer_offsets", coordinatorPartition(APPLICATION));
        const txnCoordinator = await leaderOf("__transaction_state", coordinatorPartition(`${APPLICATION}-0_0`));
        await killBroker(
          groupCoordinator,
          `group coordinator${groupCoordinator === txnCoordinator ? " and transaction coordinator of task 0_0" : ""}`,
        );
        await sendUpTo(19_000);
        await restartBroker(groupCoordinator);
        if (txnCoordinator !== groupCoordinator) {
          await repliesAtLeast(15_000, "the replies after the group coordinator's kill");
          await killBroker(txnCoordinator, "transaction coordinator of task 0_0");
          await sendUpTo(22_000);
          await restartBroker(txnCoordinator);
        }
        await sendUpTo(22_000);
        await repliesAtLeast(20_000, "the replies after the coordinators' kill");

        // 4. A broker frozen past the group's session timeout and Kafka's broker session timeout (9 s).
        const frozen = await leaderOf(BANK_COMMANDS, 1);
        log.push(`SIGSTOP broker ${frozen} (leader of ${BANK_COMMANDS}-1) for 15 s`);
        kafka.node(frozen).freeze();
        // Thawed on the clock, not after the sends: a send waits on the frozen leader until
        // the producer's metadata names a new one, which may take longer than the freeze.
        const thawed = new Promise<void>((resolve) =>
          setTimeout(() => {
            log.push(`SIGCONT broker ${frozen}`);
            kafka.node(frozen).thaw();
            resolve();
          }, 15_000),
        );
        await sendUpTo(26_000);
        await thawed;
        await sendUpTo(COMMANDS);

        const all = await eventually(
          async () => {
            const records = await readCommitted(anyBroker(), BANK_REPLIES);
            return records.length >= COMMANDS ? records : undefined;
          },
          300_000,
          "every reply",
        ).catch(async (error: unknown) => {
          const diagnosis = await diagnoseMissingReplies({
            kafka: client(),
            bootstrap: anyBroker(),
            group: APPLICATION,
            commandsTopic: BANK_COMMANDS,
            eventsTopic: BANK_EVENTS,
            repliesTopic: BANK_REPLIES,
            expectedEvents: model.acceptedEvents,
          }).catch((e: unknown) => `(no diagnosis: ${String(e)})`);
          throw new Error(failure(`${String(error)}\n${diagnosis}`));
        });
        const perCommand = new Map<string, number>();
        for (const r of all) perCommand.set(correlationId(r), (perCommand.get(correlationId(r)) ?? 0) + 1);
        expect(perCommand.size, failure("one reply per command")).toBe(COMMANDS);
        expect(
          [...perCommand.values()].filter((n) => n !== 1),
          failure("one reply per command"),
        ).toEqual([]);

        const events = await readCommitted(anyBroker(), BANK_EVENTS);
        if (events.length !== model.acceptedEvents) {
          const diagnosis = await diagnoseEvents(client(), anyBroker(), BANK_EVENTS, model.acceptedEvents).catch(
            (e: unknown) => `(no diagnosis: ${String(e)})`,
          );
          expect.fail(failure(`one event per accepted command\n${diagnosis}`));
        }
        const byAccount = new Map<string, string[]>();
        for (const e of events) {
          const key = e.key?.toString() ?? "";
          byAccount.set(key, [...(byAccount.get(key) ?? []), e.value?.toString() ?? ""]);
        }
        expect(byAccount, failure("the events in command order")).toEqual(model.events);
        const folded = new Map<string, Account>();
        for (const [key, list] of byAccount)
          folded.set(key, list.map((e) => JSON.parse(e) as BankEvent).reduce(evolveBank, NO_ACCOUNT));
        expect(folded, failure("the balances")).toEqual(model.accounts);
        const changelog = await readCommitted(anyBroker(), `${APPLICATION}-${ACCOUNTS}-changelog`);
        const stored = new Map<string, Account>();
        for (const r of changelog)
          stored.set(r.key?.toString() ?? "", JSON.parse(r.value?.toString() ?? "null") as Account);
        expect(stored, failure("the store's changelog")).toEqual(model.accounts);
      } finally {
        await producer.disconnect();
      }
    },
  );
});
