// The runtime's records as the messages of kafkajs' sendBatch, grouped by topic. With the
// fast paths on, each record travels as it is, no object made per record (the client's
// Produce wrapper, fast-produce.ts, writes it or converts it), in a PartitionedMessages
// list that kafkajs groups by partition in one pass. Otherwise each record becomes a
// kafkajs message (headers by key, string timestamp) in a plain array.
import type { Message, TopicMessages } from "kafkajs";
import { toKafkajsHeaders } from "../types.js";
import type { ProducedRecord } from "../types.js";
import { PartitionedMessages } from "./partitioned-messages.js";

export function kafkajsTopicMessages(records: readonly ProducedRecord[], fastPaths: boolean): TopicMessages[] {
  const topics: TopicMessages[] = [];
  let lastTopic: string | undefined;
  let messages: Message[] | undefined;
  for (const record of records) {
    if (record.topic !== lastTopic) {
      lastTopic = record.topic;
      messages = undefined;
      for (const entry of topics) if (entry.topic === record.topic) messages = entry.messages;
      if (messages === undefined) {
        messages = fastPaths ? new PartitionedMessages() : [];
        topics.push({ topic: record.topic, messages });
      }
    }
    const list = messages as Message[];
    if (fastPaths) {
      list.push(record as unknown as Message);
      continue;
    }
    list.push({
      key: record.key,
      value: record.value,
      partition: record.partition,
      headers: toKafkajsHeaders(record.headers),
      timestamp: record.timestamp === undefined ? undefined : String(record.timestamp),
    });
  }
  return topics;
}
