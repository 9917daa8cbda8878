// Tails the partitions of one topic from their end, outside any consumer group: what
// the HTTP command endpoint needs to read the replies sent to this instance's reply
// topic. Only records written after start() are delivered (an earlier reply belongs to
// a request this process no longer waits for). Reads are read_committed, so under
// exactly-once a reply shows up only once the transaction that wrote it committed,
// together with the command's state change and events.
import type { Logger } from "pino";
import type { Kafka } from "kafkajs";
import { sleep } from "./backoff.js";
import { isOffsetOutOfRange } from "./errors.js";
import { PartitionReader } from "./partition-reader.js";
import type { ConsumedRecord, TopicPartition } from "./types.js";
import { topicPartitionKey } from "./types.js";

export interface ReplyConsumerOptions {
  readonly topic: string;
  readonly partitions: number;
  /** Called for every record, in offset order per partition. Must not throw. */
  readonly onRecord: (record: ConsumedRecord) => void;
  readonly logger: Logger;
  /** Longest wait of one fetch when no reply is there (the broker answers as soon as one is). */
  readonly maxWaitMs?: number;
}

export class ReplyConsumer {
  readonly #reader: PartitionReader;
  readonly #options: ReplyConsumerOptions;
  readonly #positions = new Map<string, number>();
  readonly #stopping = new AbortController();
  #loop: Promise<void> | undefined;

  private constructor(reader: PartitionReader, options: ReplyConsumerOptions) {
    this.#reader = reader;
    this.#options = options;
  }

  /** Connects, takes the partitions' current ends as start positions, and starts reading. */
  static async start(kafka: Kafka, name: string, options: ReplyConsumerOptions): Promise<ReplyConsumer> {
    const reader = await PartitionReader.connect(kafka, name);
    const consumer = new ReplyConsumer(reader, options);
    try {
      await consumer.#seekToEnd();
    } catch (error) {
      await reader.close().catch(() => undefined);
      throw error;
    }
    consumer.#loop = consumer.#run();
    return consumer;
  }

  #partitions(): TopicPartition[] {
    return Array.from({ length: this.#options.partitions }, (_, partition) => ({
      topic: this.#options.topic,
      partition,
    }));
  }

  async #seekToEnd(): Promise<void> {
    const ends = await this.#reader.endOffsets(this.#partitions());
    for (const tp of this.#partitions())
      this.#positions.set(topicPartitionKey(tp), ends.get(topicPartitionKey(tp)) ?? 0);
  }

  async #run(): Promise<void> {
    const { logger } = this.#options;
    const signal = this.#stopping.signal;
    let backoffMs = 100;
    // Quiet while the broker is away: one warning, then one every half minute.
    let failingSince: number | undefined;
    let lastWarning = 0;
    while (!signal.aborted) {
      try {
        const positions = this.#partitions().map((tp) => ({
          ...tp,
          offset: this.#positions.get(topicPartitionKey(tp)) ?? 0,
        }));
        const reads = await this.#reader.read(positions, {
          maxWaitMs: this.#options.maxWaitMs ?? 500,
          maxBytes: 4 * 1024 * 1024,
          maxBytesPerPartition: 1024 * 1024,
        });
        for (const read of reads) {
          for (const record of read.records) this.#options.onRecord(record);
          this.#positions.set(topicPartitionKey(read), read.nextOffset);
        }
        backoffMs = 100;
        failingSince = undefined;
      } catch (error) {
        if (signal.aborted) break;
        if (isOffsetOutOfRange(error)) {
          // The reply topic was truncated or recreated: replies before the new end are lost to us anyway.
          logger.warn(
            { err: error, topic: this.#options.topic },
            "reply topic offsets out of range; reading from its end",
          );
          await this.#seekToEnd().catch(() => undefined);
          continue;
        }
        const now = Date.now();
        failingSince ??= now;
        const level = now - lastWarning >= 30_000 ? "warn" : "debug";
        if (level === "warn") lastWarning = now;
        logger[level](
          { err: error, topic: this.#options.topic, retryInMs: backoffMs, failingMs: now - failingSince },
          "reading the reply topic failed; retrying",
        );
        await sleep(backoffMs, signal);
        backoffMs = Math.min(backoffMs * 2, 5_000);
      }
    }
  }

  /** Stops reading (after the fetch in flight, at most maxWaitMs) and disconnects. */
  async close(): Promise<void> {
    this.#stopping.abort();
    await this.#loop;
    await this.#reader.close();
  }
}
