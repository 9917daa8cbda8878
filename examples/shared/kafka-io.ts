// The Kafka plumbing of the examples: creating their topics and publishing records.
//
// Eddy's public API has no producer or admin client (an Eddy application reads and
// writes Kafka through its topology), so this module borrows the ones of Eddy's own
// Kafka layer. Outside this repository, use your Kafka client here: kafkajs'
// admin.createTopics() and a producer with Java's murmur2 partitioning do the same.
import type { Logger } from "pino";
import { KafkaAdmin } from "../../src/kafka/admin-client.js";
import { createKafkaClient } from "../../src/kafka/client.js";
import type { KafkaClient, KafkaClientOptions } from "../../src/kafka/client.js";
import { IdempotentProducer } from "../../src/kafka/idempotent-producer.js";
import { partitionForKey } from "../../src/kafka/partitioner.js";
import type { Serde } from "eddy-streams";
import type { RecordPublisher, TopicSpec } from "./record-publisher.js";

export interface KafkaIoOptions {
  readonly bootstrapServers: readonly string[];
  readonly clientId: string;
  readonly logger: Logger;
  /** Replication factor of the topics created; -1 takes the broker's default. */
  readonly replicationFactor?: number;
  /** TLS and SASL, as the applications' config has them. */
  readonly ssl?: KafkaClientOptions["ssl"];
  readonly sasl?: KafkaClientOptions["sasl"];
}

export class KafkaIo implements RecordPublisher {
  readonly #kafka: KafkaClient;
  readonly #admin: KafkaAdmin;
  readonly #producer: IdempotentProducer;
  readonly #partitions = new Map<string, number>();
  readonly #replicationFactor: number;
  #connected: Promise<void> | undefined;
  #closed = false;

  constructor(options: KafkaIoOptions) {
    this.#kafka = createKafkaClient({
      clientId: options.clientId,
      brokers: [...options.bootstrapServers],
      logger: options.logger,
      ...(options.ssl === undefined ? {} : { ssl: options.ssl }),
      ...(options.sasl === undefined ? {} : { sasl: options.sasl }),
    });
    this.#admin = new KafkaAdmin(this.#kafka, options.logger);
    this.#producer = new IdempotentProducer(this.#kafka);
    this.#replicationFactor = options.replicationFactor ?? -1;
  }

  #connect(): Promise<void> {
    this.#connected ??= (async () => {
      await this.#admin.connect();
      await this.#producer.connect();
    })();
    return this.#connected;
  }

  /**
   * Creates the topics that do not exist yet. A topic that exists with another partition
   * count is an error: keys would land on other partitions than the stores expect.
   */
  async ensureTopics(topics: readonly TopicSpec[]): Promise<string[]> {
    await this.#connect();
    const existing = await this.#admin.partitionCounts(topics.map((t) => t.name));
    for (const topic of topics) {
      const count = existing.get(topic.name);
      if (count !== undefined && count !== topic.partitions) {
        throw new Error(
          `Topic "${topic.name}" exists with ${count} partitions, but this application needs ${topic.partitions}: delete it or recreate the cluster`,
        );
      }
    }
    const missing = topics.filter((t) => !existing.has(t.name));
    await this.#admin.createTopics(
      missing.map((t) => ({
        name: t.name,
        partitions: t.partitions,
        replicationFactor: this.#replicationFactor,
        configs: { ...t.configs },
      })),
    );
    for (const topic of topics) this.#partitions.set(topic.name, topic.partitions);
    return missing.map((t) => t.name);
  }

  async publish<K, V>(
    topic: string,
    record: { key: K; value: V; keySerde: Serde<K>; valueSerde: Serde<V>; timestamp?: number },
  ): Promise<void> {
    if (this.#closed) throw new Error(`Cannot publish to "${topic}": the Kafka client is closed`);
    await this.#connect();
    const key = record.keySerde.serialize(record.key, { topic, part: "key" });
    const value = record.valueSerde.serialize(record.value, { topic, part: "value" });
    const partitions = await this.#partitionsOf(topic);
    await this.#producer.send([
      { topic, partition: partitionForKey(key, partitions), key, value, timestamp: record.timestamp ?? Date.now() },
    ]);
  }

  async #partitionsOf(topic: string): Promise<number> {
    const known = this.#partitions.get(topic);
    if (known !== undefined) return known;
    const count = (await this.#admin.partitionCounts([topic])).get(topic);
    if (count === undefined) throw new Error(`Topic "${topic}" does not exist`);
    this.#partitions.set(topic, count);
    return count;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#connected === undefined) return;
    await this.#connected.catch(() => undefined);
    await this.#producer.close().catch(() => undefined);
    await this.#admin.close().catch(() => undefined);
  }
}
