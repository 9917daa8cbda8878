// Eddy's side of `npm run bench:peers`: the same two topologies as the Kafka Streams
// peer (bench/peers/kafka-streams), in a process of its own, exactly-once, Eddy's
// defaults otherwise, no HTTP API (no applicationServer). Configured by the environment,
// as every peer:
//
//   PEER_TOPOLOGY   count | bank
//   PEER_BOOTSTRAP, PEER_APP_ID, PEER_STATE_DIR, PEER_INPUT
//   PEER_OUTPUT     count: the topic the counts go to (8-byte longs, as Kafka Streams writes them)
//   PEER_EVENTS, PEER_REPLIES   bank: the events topic, the default reply topic
//
// It prints "STATE STARTING <epoch ms>" before start(), then "STATE <state> <epoch ms>" at
// every state transition, and when stopped "TXN <json>": its transactions (EndTxn requests,
// of them v5 under transactions v2, and CONCURRENT_TRANSACTIONS answers met).
import pino from "pino";
import { KafkaStreams, Serdes, StreamsBuilder } from "../../../src/index.js";
import type { Topology } from "../../../src/index.js";
import { AccountCommand, decide, evolve } from "../../../examples/bank/account.js";
import type { Account, AccountEvent, AccountReply } from "../../../examples/bank/account.js";
import { processTransactionStats } from "../../../src/kafka/kafkajs/index.js";

function env(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === "") throw new Error(`set ${name}`);
  return value;
}

/** stream(visits).groupByKey().count() into a persistent store; the counts as longs. */
function countTopology(): Topology {
  const builder = new StreamsBuilder();
  builder
    .stream(env("PEER_INPUT"), { key: Serdes.string(), value: Serdes.string() })
    .groupByKey()
    .count({ store: "visit-counts" })
    .toStream()
    .to(env("PEER_OUTPUT"), { key: Serdes.string(), value: Serdes.long() });
  return builder.build();
}

/** The command handler of examples/bank (its rules, events and replies), without its read models. */
function bankTopology(): Topology {
  const builder = new StreamsBuilder();
  builder
    .stream(env("PEER_INPUT"), { key: Serdes.string(), value: Serdes.json<unknown>() })
    .handleCommands<Account | null, AccountEvent, AccountReply, AccountCommand>({
      store: { name: "accounts", value: Serdes.json<Account>() },
      initial: null,
      command: AccountCommand,
      decide: (account, command, { key, timestamp }) => decide(account, command, key, timestamp),
      evolve,
      events: { topic: env("PEER_EVENTS"), value: Serdes.json<AccountEvent>() },
      replies: { topic: env("PEER_REPLIES") },
    });
  return builder.build();
}

const topologies: Record<string, () => Topology> = { count: countTopology, bank: bankTopology };
const topology = topologies[env("PEER_TOPOLOGY")];
if (topology === undefined) throw new Error(`PEER_TOPOLOGY must be count or bank, not ${env("PEER_TOPOLOGY")}`);

const streams = new KafkaStreams(
  topology(),
  {
    applicationId: env("PEER_APP_ID"),
    bootstrapServers: env("PEER_BOOTSTRAP"),
    stateDir: env("PEER_STATE_DIR"),
    processingGuarantee: "exactly_once_v2",
  },
  { logger: pino({ level: process.env.PEER_LOG_LEVEL ?? "warn" }) },
);
streams.setStateListener((now) => console.log(`STATE ${now} ${Date.now()}`));

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  void streams.close().finally(() => {
    console.log(`TXN ${JSON.stringify(processTransactionStats())}`);
    process.exit(0);
  });
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);

console.log(`STATE STARTING ${Date.now()}`);
await streams.start();
