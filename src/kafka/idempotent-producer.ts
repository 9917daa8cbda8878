// The at-least-once producer: one per instance, idempotent (the broker drops retried
// duplicates of a batch), acks=all. Offsets are committed only after the records a
// task produced before them are acknowledged.
import type { Kafka, Producer } from "kafkajs";
import type { ProducedOffsets, ProducedRecord } from "./types.js";
import { fastPathsOf, kafkajsTopicMessages } from "./kafkajs/index.js";
import {
  DEFAULT_DELIVERY_TIMEOUT_MS,
  acknowledgedWithin,
  explicitPartitioner,
  sendByPartition,
  sendRetry,
} from "./produce.js";

export class IdempotentProducer {
  private readonly producer: Producer;
  private connected = false;
  private readonly fastPaths: boolean;

  /** `deliveryTimeoutMs`: Kafka's delivery.timeout.ms, after which a send fails (retriable). */
  constructor(
    kafka: Kafka,
    private readonly deliveryTimeoutMs = DEFAULT_DELIVERY_TIMEOUT_MS,
  ) {
    this.fastPaths = fastPathsOf(kafka);
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      // Retries until the delivery timeout, as Kafka's producer: a send that fails then is
      // processed again from the last committed offsets (at-least-once).
      retry: sendRetry(deliveryTimeoutMs),
      createPartitioner: explicitPartitioner,
      allowAutoTopicCreation: false,
    });
  }

  async connect(): Promise<void> {
    if (this.connected) return;
    await this.producer.connect();
    this.connected = true;
  }

  /** `maxBatchBytes`: each topic's max.message.bytes, where known (see chunksOf). */
  async send(
    records: readonly ProducedRecord[],
    maxBatchBytes?: (topic: string) => number,
  ): Promise<ProducedOffsets[]> {
    if (records.length === 0) return [];
    return sendByPartition(records, maxBatchBytes, (chunk) =>
      acknowledgedWithin(
        this.producer.sendBatch({ acks: -1, topicMessages: kafkajsTopicMessages(chunk, this.fastPaths) }),
        chunk,
        this.deliveryTimeoutMs,
      ),
    );
  }

  async close(): Promise<void> {
    if (!this.connected) return;
    this.connected = false;
    await this.producer.disconnect();
  }
}
