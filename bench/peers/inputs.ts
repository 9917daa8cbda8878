// The inputs every system reads, written once per bench run before any system starts:
// string keys, JSON values, partitioned as a Java producer partitions them (murmur2).
//
//   visits            BENCH_PEERS_VISITS (1 M) visits over BENCH_PEERS_CODES (10 k) short codes
//   account-commands  BENCH_PEERS_COMMANDS (300 k) bank commands over BENCH_PEERS_ACCOUNTS (10 k)
//                     accounts: each opened first, then deposits and withdrawals (about one
//                     in eight refused for insufficient funds), every 50th a bad amount (an
//                     "invalid" reply), a few closes near the end
//   restore-visits    BENCH_PEERS_RESTORE (1 M) visits to as many distinct codes: counted
//                     once, they leave a changelog of as many records to restore
import kafkajs from "kafkajs";
import type { Kafka, Message } from "kafkajs";

export interface InputSizes {
  readonly partitions: number;
  readonly visits: number;
  readonly codes: number;
  readonly commands: number;
  readonly accounts: number;
  readonly restore: number;
}

export interface InputTopics {
  readonly visits: string;
  readonly commands: string;
  readonly restore: string;
}

/** The input topics of one bench run (`stamp` keeps runs on a long-lived cluster apart). */
export function inputTopics(stamp: string): InputTopics {
  return {
    visits: `peers-visits-${stamp}`,
    commands: `peers-account-commands-${stamp}`,
    restore: `peers-restore-visits-${stamp}`,
  };
}

export async function createTopics(
  kafka: Kafka,
  topics: ReadonlyArray<{ topic: string; partitions: number }>,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    // kafkajs' own waitForLeaders lets a metadata error of a topic still being created
    // (UNKNOWN_TOPIC_OR_PARTITION, from Apache Kafka 4) escape as an unhandled rejection.
    await admin.createTopics({
      waitForLeaders: false,
      topics: topics.map(({ topic, partitions }) => ({ topic, numPartitions: partitions, replicationFactor: 1 })),
    });
    const names = topics.map((t) => t.topic);
    for (let attempt = 0; ; attempt += 1) {
      try {
        const { topics: metadata } = await admin.fetchTopicMetadata({ topics: names });
        if (metadata.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
      } catch (error) {
        if (attempt >= 100) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await admin.disconnect();
  }
}

export function visitValue(at: number, i: number): string {
  return JSON.stringify({ at, userAgent: i % 3 === 0 ? "curl/8.5" : "Mozilla/5.0", referrer: null });
}

/** The i-th of `count` commands over `accounts` accounts (see the top of this file). */
export function bankCommand(i: number, count: number, accounts: number): { key: string; value: string } {
  const n = i % accounts;
  const accountId = `acc-${n}`;
  let command: Record<string, unknown>;
  if (i < accounts) command = { type: "OpenAccount", accountId, holder: `Holder ${n}`, openingDepositCents: 10_000 };
  else if (i % 50 === 0) command = { type: "DepositFunds", accountId, amountCents: -5 };
  else if (i >= count - accounts / 10 && n % 10 === 0) command = { type: "CloseAccount", accountId };
  else if (i % 4 === 0) command = { type: "WithdrawFunds", accountId, amountCents: 2_500 + (i % 7) * 100 };
  else command = { type: "DepositFunds", accountId, amountCents: 500 + (i % 11) * 10 };
  return { key: accountId, value: JSON.stringify(command) };
}

/** Writes `count` records made by `make` to `topic`, a few requests in flight. */
async function produce(
  kafka: Kafka,
  topic: string,
  count: number,
  make: (i: number) => { key: string; value: string; headers?: Message["headers"] },
): Promise<void> {
  const producer = kafka.producer({ createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    const inFlight: Array<Promise<unknown>> = [];
    const now = Date.now();
    for (let start = 0; start < count; start += 5_000) {
      const messages: Message[] = [];
      for (let i = start; i < Math.min(count, start + 5_000); i += 1) {
        const record = make(i);
        messages.push({ ...record, timestamp: String(now) });
      }
      inFlight.push(producer.send({ topic, acks: -1, messages }));
      if (inFlight.length >= 4) await inFlight.shift();
    }
    await Promise.all(inFlight);
  } finally {
    await producer.disconnect();
  }
}

export async function writeInputs(
  kafka: Kafka,
  Topics: InputTopics,
  sizes: InputSizes,
  log: (line: string) => void,
): Promise<void> {
  await createTopics(kafka, [
    { topic: Topics.visits, partitions: sizes.partitions },
    { topic: Topics.commands, partitions: sizes.partitions },
    { topic: Topics.restore, partitions: sizes.partitions },
  ]);
  let started = performance.now();
  const now = Date.now();
  await produce(kafka, Topics.visits, sizes.visits, (i) => ({
    key: `code-${i % sizes.codes}`,
    value: visitValue(now, i),
  }));
  log(`inputs: ${sizes.visits.toLocaleString("en-US")} visits in ${seconds(started)} s`);
  started = performance.now();
  await produce(kafka, Topics.commands, sizes.commands, (i) => ({
    ...bankCommand(i, sizes.commands, sizes.accounts),
    headers: { "correlation-id": `cmd-${i}` },
  }));
  log(`inputs: ${sizes.commands.toLocaleString("en-US")} bank commands in ${seconds(started)} s`);
  started = performance.now();
  await produce(kafka, Topics.restore, sizes.restore, (i) => ({ key: `r-${i}`, value: visitValue(now, i) }));
  log(`inputs: ${sizes.restore.toLocaleString("en-US")} distinct visits (restore) in ${seconds(started)} s`);
}

function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(1);
}
