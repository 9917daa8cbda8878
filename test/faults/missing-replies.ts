// When the fault test's replies fall short, what happened to the commands without one: never
// consumed (the group's committed offset is before them), processed with the reply lost (their
// events are on the events topic), or replied to only in aborted transactions (the reply is in
// the log, read_uncommitted). The failure message carries this, so that a red run says why.
import type { Kafka } from "kafkajs";
import { correlationId, readCommitted } from "../integration/support/kafka.js";

interface Seen {
  partition: number;
  offset: number;
  id: string;
}

/**
 * Every record of `topic` as kafkajs' own consumer reads it (its own decoder and aborted-
 * transaction filter, not Eddy's), read_committed or not, in a throwaway group: done when
 * nothing came for 5 s.
 */
async function kafkajsRead(kafka: Kafka, topic: string, readUncommitted: boolean): Promise<Seen[]> {
  const seen: Seen[] = [];
  const consumer = kafka.consumer({ groupId: `faults-diagnosis-${Date.now()}`, readUncommitted });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let last = Date.now();
  await consumer.run({
    eachMessage: ({ partition, message }) => {
      seen.push({
        partition,
        offset: Number(message.offset),
        id: message.headers?.["correlation-id"]?.toString() ?? "",
      });
      last = Date.now();
      return Promise.resolve();
    },
  });
  const started = Date.now();
  while (Date.now() - last < 5_000 || (seen.length === 0 && Date.now() - started < 30_000))
    await new Promise((resolve) => setTimeout(resolve, 500));
  await consumer.disconnect();
  return seen;
}

/** Correlation ids seen more than once, with where. */
function repeated(records: readonly Seen[]): string[] {
  const byId = new Map<string, Seen[]>();
  for (const r of records) byId.set(r.id, [...(byId.get(r.id) ?? []), r]);
  return [...byId]
    .filter(([, list]) => list.length > 1)
    .map(([id, list]) => `${id} at ${list.map((r) => `${r.partition}@${r.offset}`).join(" and ")}`);
}

/** A paragraph on the events topic's records: who reads how many, and which commands' events repeat. */
export async function diagnoseEvents(
  kafka: Kafka,
  bootstrap: string,
  topic: string,
  expected: number,
): Promise<string> {
  const ours = (await readCommitted(bootstrap, topic)).map((r) => ({
    partition: r.partition,
    offset: r.offset,
    id: correlationId(r),
  }));
  const theirs = await kafkajsRead(kafka, topic, false);
  const everything = await kafkajsRead(kafka, topic, true);
  const lines = [
    `${topic}: the model ${expected}; Eddy's reader ${ours.length} (read_committed); kafkajs' consumer ${theirs.length} (read_committed), ${everything.length} (read_uncommitted)`,
    `repeated in Eddy's read: ${repeated(ours).slice(0, 30).join("; ")}`,
    `repeated in kafkajs' read: ${repeated(theirs).slice(0, 30).join("; ")}`,
  ];
  return lines.join("\n");
}

/** A paragraph on the commands that have no committed reply. */
export async function diagnoseMissingReplies(options: {
  kafka: Kafka;
  bootstrap: string;
  group: string;
  commandsTopic: string;
  eventsTopic: string;
  repliesTopic: string;
  expectedEvents: number;
}): Promise<string> {
  const { kafka, bootstrap, group } = options;
  const lines: string[] = [];
  const commands = await readCommitted(bootstrap, options.commandsTopic);
  const replies = await readCommitted(bootstrap, options.repliesTopic);
  const replied = new Set(replies.map(correlationId));
  const missing = commands.filter((c) => !replied.has(correlationId(c)));
  lines.push(`${commands.length} commands on ${options.commandsTopic}, ${replies.length} committed replies`);
  lines.push(`${missing.length} commands without a committed reply`);
  const byPartition = new Map<number, number[]>();
  for (const c of missing) byPartition.set(c.partition, [...(byPartition.get(c.partition) ?? []), c.offset]);
  const admin = kafka.admin();
  await admin.connect();
  const committed = await admin.fetchOffsets({ groupId: group, topics: [options.commandsTopic] });
  const ends = await admin.fetchTopicOffsets(options.commandsTopic);
  await admin.disconnect();
  for (const { partition, offset } of committed[0]?.partitions ?? []) {
    const offsets = byPartition.get(partition) ?? [];
    const end = ends.find((e) => e.partition === partition)?.high;
    const ranges: string[] = [];
    for (const o of offsets) {
      const last = ranges.at(-1);
      const [from, to] = last?.split("-").map(Number) ?? [];
      if (last !== undefined && to !== undefined && o === to + 1) ranges[ranges.length - 1] = `${from}-${o}`;
      else ranges.push(`${o}-${o}`);
    }
    lines.push(
      `  partition ${partition}: committed ${offset}, end ${end}, missing ${offsets.length} at ${ranges.slice(0, 20).join(", ")}`,
    );
  }
  const events = await readCommitted(bootstrap, options.eventsTopic);
  lines.push(`${events.length} committed events (the model: ${options.expectedEvents})`);
  const eventIds = new Set(events.map(correlationId));
  const missingWithEvents = missing.filter((c) => eventIds.has(correlationId(c)));
  lines.push(`${missingWithEvents.length} of the commands without a reply have a committed event`);
  const everyReply = await kafkajsRead(kafka, options.repliesTopic, true);
  const anyReply = new Set(everyReply.map((r) => r.id));
  const missingInLog = missing.filter((c) => anyReply.has(correlationId(c)));
  lines.push(
    `${everyReply.length} replies in the log (read_uncommitted); ${missingInLog.length} of the missing are there only in aborted transactions`,
  );
  return lines.join("\n");
}
