// Admin requests the runtime needs: partition counts of topics, creating internal
// topics, their configs, and a group's committed offsets. Every call retries broker
// outages with backoff (kafkajs' admin does not retry OffsetFetch or Metadata itself).
// kafkajs is CommonJS and its exports cannot all be imported by name from ESM.
import kafkajs from "kafkajs";
import type { Admin, Kafka } from "kafkajs";
import type { Logger } from "pino";
import { retryWithBackoff, sleep } from "./backoff.js";
import { InternalTopicError, kafkaErrorType } from "./errors.js";
import type { CommittedOffset, TopicPartition, TopicPartitionOffset } from "./types.js";
import { topicPartitionKey } from "./types.js";

export interface NewTopic {
  name: string;
  partitions: number;
  replicationFactor: number;
  configs: Record<string, string>;
}

export class KafkaAdmin {
  private readonly admin: Admin;
  private connected = false;

  constructor(
    kafka: Kafka,
    private readonly logger: Logger,
    private readonly signal?: AbortSignal,
  ) {
    this.admin = kafka.admin();
  }

  private retry<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return retryWithBackoff(fn, { what, logger: this.logger, signal: this.signal });
  }

  async connect(): Promise<void> {
    if (this.connected) return;
    await this.retry("connecting the admin client", () => this.admin.connect());
    this.connected = true;
  }

  async close(): Promise<void> {
    if (!this.connected) return;
    this.connected = false;
    await this.admin.disconnect();
  }

  /** The names of every topic of the cluster. */
  async listTopics(): Promise<string[]> {
    return this.retry("listing topics", () => this.#listTopicsOnce());
  }

  /**
   * kafkajs' listTopics() destructures a metadata answer that comes back null when the
   * broker it asked goes away mid-request (a broker restart): its TypeError is the lost
   * connection it stands for, and is retried as one rather than failing the caller.
   */
  async #listTopicsOnce(): Promise<string[]> {
    try {
      return await this.admin.listTopics();
    } catch (error) {
      if (error instanceof TypeError && error.message.includes("topicMetadata"))
        throw new MetadataAnswerLostError(error);
      throw error;
    }
  }

  /** Partition counts of the topics that exist; missing topics are absent from the map. */
  async partitionCounts(topics: readonly string[]): Promise<Map<string, number>> {
    const existing = new Set(await this.listTopics());
    const present = topics.filter((t) => existing.has(t));
    const counts = new Map<string, number>();
    if (present.length === 0) return counts;
    const metadata = await this.retry("reading topic metadata", () =>
      this.admin.fetchTopicMetadata({ topics: present }),
    );
    for (const topic of metadata.topics) counts.set(topic.name, topic.partitions.length);
    return counts;
  }

  /**
   * Creates the topics and returns once every partition has a leader; a topic created
   * concurrently by another instance (or by an earlier attempt of this call) is not an error.
   */
  async createTopics(topics: readonly NewTopic[], leaderTimeoutMs = 60_000): Promise<void> {
    if (topics.length === 0) return;
    await this.retry("creating topics", () =>
      this.admin.createTopics({
        // kafkajs' own wait retries LEADER_NOT_AVAILABLE only, but a KRaft broker answers
        // UNKNOWN_TOPIC_OR_PARTITION until the controller's record of the topic reaches it.
        waitForLeaders: false,
        topics: topics.map((t) => ({
          topic: t.name,
          numPartitions: t.partitions,
          replicationFactor: t.replicationFactor,
          configEntries: Object.entries(t.configs).map(([name, value]) => ({ name, value })),
        })),
      }),
    );
    await this.waitForLeaders(
      topics.map((t) => t.name),
      leaderTimeoutMs,
    );
  }

  /** Resolves once the brokers know the topics and every partition has a leader. */
  async waitForLeaders(topics: readonly string[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let delay = 50;
    let waitingFor: string;
    for (;;) {
      try {
        const metadata = await this.admin.fetchTopicMetadata({ topics: [...topics] });
        const leaderless = metadata.topics.filter(
          (t) => t.partitions.length === 0 || t.partitions.some((p) => p.leader < 0),
        );
        if (leaderless.length === 0 && metadata.topics.length === topics.length) return;
        waitingFor = leaderless.map((t) => t.name).join(", ") || "metadata";
      } catch (error) {
        const type = kafkaErrorType(error);
        if (type !== "UNKNOWN_TOPIC_OR_PARTITION" && type !== "LEADER_NOT_AVAILABLE" && type !== undefined) throw error;
        waitingFor = `${topics.join(", ")} (${type ?? String(error)})`;
      }
      if (Date.now() > deadline) {
        const first = topics[0] ?? "";
        throw new InternalTopicError(
          first,
          `Topics ${topics.join(", ")} were created but have no leader after ${timeoutMs} ms ` +
            `(waiting for ${waitingFor}); check the brokers' logs.`,
        );
      }
      await sleep(delay, this.signal);
      if (this.signal?.aborted) return;
      delay = Math.min(delay * 2, 1_000);
    }
  }

  /** The value of one config for each topic, as the broker reports it (defaults included). */
  async topicConfig(topics: readonly string[], name: string): Promise<Map<string, string | undefined>> {
    const configs = await this.topicConfigs(topics, [name]);
    return new Map([...configs].map(([topic, values]) => [topic, values.get(name)]));
  }

  /**
   * The values of some configs of each topic, as the broker reports them (defaults
   * included); a config the broker does not know (an older version) is absent.
   */
  async topicConfigs(topics: readonly string[], names: readonly string[]): Promise<Map<string, Map<string, string>>> {
    const result = new Map<string, Map<string, string>>();
    if (topics.length === 0) return result;
    const response = await this.retry("describing topic configs", () =>
      this.admin.describeConfigs({
        includeSynonyms: false,
        resources: topics.map((topic) => ({
          type: kafkajs.ConfigResourceTypes.TOPIC,
          name: topic,
          configNames: [...names],
        })),
      }),
    );
    for (const resource of response.resources) {
      const values = new Map<string, string>();
      for (const entry of resource.configEntries) {
        if (names.includes(entry.configName) && entry.configValue !== null)
          values.set(entry.configName, entry.configValue);
      }
      result.set(resource.resourceName, values);
    }
    return result;
  }

  /** The group's committed offsets (next offset to read); partitions without one are absent. */
  async committedOffsets(groupId: string, partitions: readonly TopicPartition[]): Promise<Map<string, number>> {
    const committed = await this.committedOffsetsAndMetadata(groupId, partitions);
    return new Map([...committed].map(([key, { offset }]) => [key, offset]));
  }

  /** committedOffsets() with the metadata committed with each offset. */
  async committedOffsetsAndMetadata(
    groupId: string,
    partitions: readonly TopicPartition[],
  ): Promise<Map<string, CommittedOffset>> {
    const topics = [...new Set(partitions.map((p) => p.topic))];
    const wanted = new Set(partitions.map(topicPartitionKey));
    const result = new Map<string, CommittedOffset>();
    if (topics.length === 0) return result;
    const response = await this.retry("reading committed offsets", () => this.admin.fetchOffsets({ groupId, topics }));
    for (const { topic, partitions: ps } of response) {
      for (const { partition, offset, metadata } of ps) {
        const key = topicPartitionKey({ topic, partition });
        const n = Number(offset);
        if (wanted.has(key) && n >= 0) result.set(key, { offset: n, metadata: metadata ?? null });
      }
    }
    return result;
  }

  /**
   * Deletes the records before the given offsets (DeleteRecords): how an application
   * trims its repartition topics once their records are processed and committed.
   */
  async deleteRecordsBefore(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    const byTopic = new Map<string, Array<{ partition: number; offset: string }>>();
    for (const { topic, partition, offset } of offsets) {
      const list = byTopic.get(topic) ?? [];
      list.push({ partition, offset: String(offset) });
      byTopic.set(topic, list);
    }
    for (const [topic, partitions] of byTopic) {
      await this.retry(`deleting consumed records of ${topic}`, async () => {
        // kafkajs routes DeleteRecords by the partition leaders in its metadata.
        await this.admin.fetchTopicMetadata({ topics: [topic] });
        await this.admin.deleteTopicRecords({ topic, partitions });
      });
    }
  }
}

/** A metadata request whose answer kafkajs lost with its connection: retriable, as a lost connection is. */
class MetadataAnswerLostError extends Error {
  readonly retriable = true;

  constructor(lost: TypeError) {
    // No `cause`: the classification reads the innermost error, and this one is the truth.
    super(`the broker's metadata answer was lost with its connection (kafkajs: ${lost.message})`);
    this.name = "MetadataAnswerLostError";
  }
}
