// The conformance scenario of kafkajs 2.2.4 (Eddy's own client, here without Eddy's seam):
// admin errors, offsets by timestamp, transactions and what read_committed reads of them,
// DeleteRecords, and a group's description through its life. Recorded values name no broker.
import kafkajs from "kafkajs";

const { Kafka, logLevel } = kafkajs;

async function errorOf(action: () => Promise<unknown>): Promise<string> {
  try {
    await action();
    return "NONE";
  } catch (error) {
    const nested = (error as { errors?: { type?: string }[] }).errors;
    if (nested !== undefined && nested.length > 0) return nested.map((e) => e.type ?? "?").join(",");
    return (error as { type?: string }).type ?? (error as Error).name;
  }
}

/** kafkajs lists a topic's partitions in the order the broker answered them. */
function byPartition<T extends { partition: number }>(list: T[]): T[] {
  return [...list].sort((a, b) => a.partition - b.partition);
}

async function eventually<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`kafkajs scenario: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export async function kafkajsScenario(bootstrap: string, prefix: string): Promise<Record<string, unknown>> {
  const kafka = new Kafka({
    clientId: "conformance",
    brokers: bootstrap.split(","),
    logLevel: logLevel.NOTHING,
    retry: { retries: 8, initialRetryTime: 100 },
  });
  const out: Record<string, unknown> = {};
  const topic = (name: string): string => `${prefix}-${name}`;
  const admin = kafka.admin();
  await admin.connect();
  try {
    const create = (name: string, numPartitions: number, configEntries: { name: string; value: string }[] = []) =>
      errorOf(() =>
        admin.createTopics({ waitForLeaders: true, topics: [{ topic: topic(name), numPartitions, configEntries }] }),
      );
    out["createTopics.ok"] = await create("t", 2);
    out["createTopics.invalidConfig"] = await create("c1", 1, [{ name: "retention.ms", value: "soon" }]);
    out["createTopics.unknownConfig"] = await create("c2", 1, [{ name: "no.such.config", value: "1" }]);
    out["createPartitions.fewer"] = await errorOf(() =>
      admin.createPartitions({ topicPartitions: [{ topic: topic("t"), count: 1 }] }),
    );

    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    for (const [i, timestamp] of [1_000, 3_000, 2_000, 4_000].entries())
      await producer.send({
        topic: topic("t"),
        acks: -1,
        messages: [{ value: `v${i}`, partition: 0, timestamp: String(timestamp) }],
      });
    out["produce.unknownTopic"] = await errorOf(() =>
      producer.send({ topic: topic("missing"), acks: -1, messages: [{ value: "x" }] }),
    );
    await producer.disconnect();
    out["offsets.topic"] = byPartition(await admin.fetchTopicOffsets(topic("t")));
    for (const timestamp of [0, 2_500, 4_000, 9_000])
      out[`offsets.byTimestamp${timestamp}`] = byPartition(
        await admin.fetchTopicOffsetsByTimestamp(topic("t"), timestamp),
      );
    await admin.deleteTopicRecords({ topic: topic("t"), partitions: [{ partition: 0, offset: "2" }] });
    out["deleteRecords.after"] = byPartition(await admin.fetchTopicOffsets(topic("t")));
    out["deleteRecords.pastEnd"] = await errorOf(() =>
      admin.deleteTopicRecords({ topic: topic("t"), partitions: [{ partition: 0, offset: "99" }] }),
    );

    // Transactions: commit, abort, commit; read_committed sees the committed values only.
    await create("txn", 1);
    const txnProducer = kafka.producer({ transactionalId: topic("txn-id"), idempotent: true, maxInFlightRequests: 1 });
    await txnProducer.connect();
    for (const [values, commit] of [
      [["a", "b"], true],
      [["c"], false],
      [["d"], true],
    ] as const) {
      const txn = await txnProducer.transaction();
      await txn.send({ topic: topic("txn"), messages: values.map((value) => ({ value, timestamp: "5000" })) });
      if (commit) await txn.commit();
      else await txn.abort();
    }
    await txnProducer.disconnect();
    const high = await eventually(async () => {
      const [p] = await admin.fetchTopicOffsets(topic("txn"));
      return p !== undefined && p.high === "7" ? p.high : undefined;
    }, "the last commit marker");
    out["txn.high"] = high;
    const consumer = kafka.consumer({
      groupId: topic("group"),
      readUncommitted: false,
      sessionTimeout: 6000,
      heartbeatInterval: 500,
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic("txn")], fromBeginning: true });
    const seen: [string, string][] = [];
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ message }) => {
        seen.push([message.offset, message.value?.toString() ?? ""]);
      },
    });
    await eventually(async () => (seen.length >= 3 ? true : undefined), "three committed records");
    const describe = async () => {
      const { groups } = await admin.describeGroups([topic("group")]);
      const group = groups[0]!;
      return {
        state: group.state,
        protocol: group.protocol,
        protocolType: group.protocolType,
        members: group.members.length,
      };
    };
    out["group.running"] = await eventually(async () => {
      const seenGroup = await describe();
      return seenGroup.state === "Stable" ? seenGroup : undefined;
    }, "a stable group");
    await consumer.commitOffsets([{ topic: topic("txn"), partition: 0, offset: "7" }]);
    await consumer.disconnect();
    out["txn.readCommitted"] = seen;
    out["group.afterDisconnect"] = await describe();
    out["group.offsets"] = await admin.fetchOffsets({ groupId: topic("group"), topics: [topic("txn")] });
    out["group.deleteUnknown"] = await errorOf(() => admin.deleteGroups([topic("no-such-group")]));
    out["group.delete"] = await errorOf(() => admin.deleteGroups([topic("group")]));
  } finally {
    await admin.disconnect();
  }
  return out;
}
