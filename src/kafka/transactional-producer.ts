// A transactional producer. Under exactly_once (v1) there is one per active task, and its
// transactional id, `<applicationId>-<taskId>`, is what fences zombies: the new owner's
// InitProducerId bumps the epoch of the same transactional id, after which the old owner's
// requests fail with INVALID_PRODUCER_EPOCH. Under exactly_once_v2 there is one per stream
// thread, given `groupMetadata`: its offsets then go out as TxnOffsetCommit v3 with the
// consumer's generation and member id (KIP-447, through the seam: kafkajs sends v0-1 only),
// and the group coordinator refuses a zombie's.
import type { Kafka, Producer, Transaction } from "kafkajs";
import type { GroupMetadata, ProducedOffsets, ProducedRecord, TopicPartitionOffset } from "./types.js";
import { fastPathsOf, kafkajsTopicMessages, registerGroupMetadata } from "./kafkajs/index.js";
import {
  DEFAULT_DELIVERY_TIMEOUT_MS,
  acknowledgedWithin,
  chunksOf,
  explicitPartitioner,
  sendRetry,
  toProducedOffsets,
} from "./produce.js";

export interface TransactionalProducerOptions {
  transactionalId: string;
  transactionTimeoutMs: number;
  /** Kafka's delivery.timeout.ms: a send not acknowledged by then fails (retriable); 120 s by default. */
  deliveryTimeoutMs?: number;
  /** Exactly-once v2: where the consumer whose offsets this producer commits stands in its group, read at each commit. */
  groupMetadata?: () => GroupMetadata;
}

export class TransactionalProducer {
  private readonly producer: Producer;
  private transaction: Transaction | undefined;
  private beginning: Promise<Transaction> | undefined;
  private connected = false;
  private readonly fastPaths: boolean;
  private readonly deliveryTimeoutMs: number;
  private unregister: (() => void) | undefined;

  constructor(
    private readonly kafka: Kafka,
    readonly options: TransactionalProducerOptions,
  ) {
    this.fastPaths = fastPathsOf(kafka);
    this.deliveryTimeoutMs = options.deliveryTimeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS;
    this.producer = kafka.producer({
      transactionalId: options.transactionalId,
      transactionTimeout: options.transactionTimeoutMs,
      idempotent: true,
      maxInFlightRequests: 1,
      // Retries until the delivery timeout: a send that fails then leaves nothing unsure, the
      // task aborts the transaction and its next producer's InitProducerId fences stragglers.
      retry: sendRetry(this.deliveryTimeoutMs),
      createPartitioner: explicitPartitioner,
      allowAutoTopicCreation: false,
    });
  }

  /**
   * Connects and registers the transactional id with the coordinator (InitProducerId).
   * From then on, any older producer with this id is fenced and its open transaction
   * aborted; only after this may the new owner read committed offsets and restore.
   */
  async init(): Promise<void> {
    const { groupMetadata } = this.options;
    if (groupMetadata !== undefined) {
      this.unregister ??= registerGroupMetadata(this.kafka, this.options.transactionalId, groupMetadata);
    }
    if (!this.connected) {
      await this.producer.connect();
      this.connected = true;
    }
    // kafkajs runs InitProducerId on the first transaction() and begins it; an empty
    // transaction costs nothing on the broker until a partition is added to it.
    this.transaction ??= await this.producer.transaction();
  }

  get inTransaction(): boolean {
    return this.transaction?.isActive() ?? false;
  }

  /**
   * The open transaction, begun on first use. Sends and sendOffsets may run at the
   * same time (a commit sends its last records and its offsets together): they share
   * one beginning.
   */
  private current(): Promise<Transaction> {
    if (this.transaction?.isActive()) return Promise.resolve(this.transaction);
    this.beginning ??= this.producer.transaction().then(
      (txn) => {
        this.beginning = undefined;
        this.transaction = txn;
        return txn;
      },
      (error: unknown) => {
        this.beginning = undefined;
        throw error;
      },
    );
    return this.beginning;
  }

  /** `maxBatchBytes`: each topic's max.message.bytes, where known (see chunksOf). */
  async send(
    records: readonly ProducedRecord[],
    maxBatchBytes?: (topic: string) => number,
  ): Promise<ProducedOffsets[]> {
    if (records.length === 0) return [];
    const txn = await this.current();
    const produced: ProducedOffsets[] = [];
    for (const chunk of chunksOf(records, maxBatchBytes)) {
      const metadata = await acknowledgedWithin(
        txn.sendBatch({ acks: -1, topicMessages: kafkajsTopicMessages(chunk, this.fastPaths) }),
        chunk,
        this.deliveryTimeoutMs,
      );
      produced.push(...toProducedOffsets(metadata, chunk));
    }
    return produced;
  }

  /** Adds the consumed offsets (next offset to read) to the transaction, for the group. */
  async sendOffsets(groupId: string, offsets: readonly TopicPartitionOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    const txn = await this.current();
    const byTopic = new Map<string, Array<{ partition: number; offset: string }>>();
    for (const { topic, partition, offset } of offsets) {
      const list = byTopic.get(topic) ?? [];
      list.push({ partition, offset: String(offset) });
      byTopic.set(topic, list);
    }
    await txn.sendOffsets({
      consumerGroupId: groupId,
      topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
    });
  }

  async commit(): Promise<void> {
    const txn = this.transaction;
    this.transaction = undefined;
    if (txn?.isActive()) await txn.commit();
  }

  async abort(): Promise<void> {
    const txn = this.transaction;
    this.transaction = undefined;
    if (txn?.isActive()) await txn.abort();
  }

  /** Disconnects without ending an open transaction: the coordinator aborts it when a new owner initializes, or on timeout. */
  async close(): Promise<void> {
    this.transaction = undefined;
    this.unregister?.();
    this.unregister = undefined;
    if (this.connected) {
      this.connected = false;
      await this.producer.disconnect();
    }
  }
}
