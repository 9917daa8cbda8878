// A transactional producer. Under exactly_once (v1) there is one per active task, and its
// transactional id, `<applicationId>-<taskId>`, is what fences zombies: the new owner's
// InitProducerId bumps the epoch of the same transactional id, after which the old owner's
// requests fail with INVALID_PRODUCER_EPOCH. Under exactly_once_v2 there is one per stream
// thread, given `groupMetadata`: its offsets then go out as TxnOffsetCommit v3 with the
// consumer's generation and member id (KIP-447, through the seam: kafkajs sends v0-1 only),
// and the group coordinator refuses a zombie's. Where the cluster finalized transactions v2
// (KIP-890; Apache Kafka 4.x by default) and the fast paths are on, partitions and offsets
// join the transaction through Produce v12 and TxnOffsetCommit v5 and every EndTxn bumps the
// epoch (kafkajs/txn-v2.ts); fencing is the same: the newest epoch wins.
import type { Kafka, Producer, RecordMetadata, Transaction } from "kafkajs";
import type { GroupMetadata, ProducedOffsets, ProducedRecord, OffsetToCommit } from "./types.js";
import {
  fastPathsOf,
  kafkajsTopicMessages,
  registerGroupMetadata,
  registerProduceLedger,
  registerTransactionsV2,
  registerTxnPartitions,
} from "./kafkajs/index.js";
import type { ProduceLedger, TxnPartitions, TxnV2 } from "./kafkajs/index.js";
import {
  DEFAULT_DELIVERY_TIMEOUT_MS,
  acknowledgedWithin,
  explicitPartitioner,
  sendByPartition,
  sendRetry,
  sendTogether,
} from "./produce.js";
import { retryWithBackoff } from "./backoff.js";
import { kafkaErrorType } from "./errors.js";

/** AddOffsetsToTxn answers Kafka's TransactionManager retries (AddOffsetsToTxnHandler), as kafkajs names them. */
const ADD_OFFSETS_NOT_YET = new Set([
  "CONCURRENT_TRANSACTIONS",
  "GROUP_LOAD_IN_PROGRESS",
  "GROUP_COORDINATOR_NOT_AVAILABLE",
  "NOT_COORDINATOR_FOR_GROUP",
]);

/** A send's first retry, as kafkajs' producer retried (sendRetry). */
const SEND_RETRY_MS = 100;
/**
 * kafkajs' retries when sends go together: the one an idempotent producer must allow. It only
 * goes out when the first attempt failed before any request (no metadata yet, no connection);
 * otherwise the produce ledger refuses its requests, and a retry that sends none (its failed
 * partitions moved to a broker that answered) resolves without them: sendTogether fails it.
 */
const ONE_RETRY = { retries: 1, initialRetryTime: SEND_RETRY_MS };

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
  /** The open transaction's partitions, when this client gathers AddPartitionsToTxn (see kafkajs/txn-partitions.ts). */
  private readonly txnPartitions: { partitions: TxnPartitions; unregister: () => void } | undefined;
  /** When this client tracks Produce requests, all partitions of a send go together (produce.ts, sendTogether). */
  private readonly produceLedger: { ledger: ProduceLedger; unregister: () => void } | undefined;
  /** Transactions v2 where the cluster has them (see kafkajs/txn-v2.ts); undefined with the fast paths off. */
  private readonly transactionsV2: { txn: TxnV2; unregister: () => void } | undefined;
  private sending: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly kafka: Kafka,
    readonly options: TransactionalProducerOptions,
  ) {
    this.fastPaths = fastPathsOf(kafka);
    this.deliveryTimeoutMs = options.deliveryTimeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS;
    this.produceLedger = registerProduceLedger(kafka, options.transactionalId);
    this.txnPartitions = registerTxnPartitions(kafka, options.transactionalId);
    this.transactionsV2 = registerTransactionsV2(kafka, options.transactionalId);
    if (this.txnPartitions !== undefined && this.produceLedger !== undefined) {
      const { ledger } = this.produceLedger;
      this.txnPartitions.partitions.onFailure = (error) => ledger.failed(error);
    }
    this.producer = kafka.producer({
      transactionalId: options.transactionalId,
      transactionTimeout: options.transactionTimeoutMs,
      idempotent: true,
      // One Produce per partition at a time either way (sends are serial, kafkajs locks each
      // leader); with sends that go together, the coordinator's requests (AddOffsetsToTxn,
      // TxnOffsetCommit) need not queue behind a Produce on the same connection, as Kafka's
      // producer pipelines them (max.in.flight.requests.per.connection, 5).
      maxInFlightRequests: this.produceLedger === undefined ? 1 : 5,
      // Retries until the delivery timeout: a send that fails then leaves nothing unsure, the
      // task aborts the transaction and its next producer's InitProducerId fences stragglers.
      // Sends that go together retry themselves (sendTogether): kafkajs must not.
      retry: this.produceLedger === undefined ? sendRetry(this.deliveryTimeoutMs) : ONE_RETRY,
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

  /** The transaction protocol in use (KIP-890's transaction.version), known once the first transaction added something. */
  get transactionVersion(): 1 | 2 | undefined {
    if (this.transactionsV2 === undefined) return this.connected ? 1 : undefined;
    return this.transactionsV2.txn.version;
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
    // Every partition of this send is added to the transaction by the first request that adds any.
    this.txnPartitions?.partitions.announce(records);
    const sendChunk = (chunk: readonly ProducedRecord[]): Promise<RecordMetadata[]> =>
      txn.sendBatch({ acks: -1, topicMessages: kafkajsTopicMessages(chunk, this.fastPaths) });
    if (this.produceLedger === undefined) {
      return sendByPartition(records, maxBatchBytes, (chunk) =>
        acknowledgedWithin(sendChunk(chunk), chunk, this.deliveryTimeoutMs),
      );
    }
    const { ledger } = this.produceLedger;
    // One send at a time: the ledger tells one attempt's requests from another's only so.
    const previous = this.sending;
    const sending = previous.then(() =>
      sendTogether(records, maxBatchBytes, sendChunk, ledger, {
        retryMs: SEND_RETRY_MS,
        isRetriable: (error) =>
          (error as { name?: unknown }).name === "KafkaJSNumberOfRetriesExceeded" ||
          (error as { retriable?: unknown }).retriable === true,
        giveUpAfterMs: this.deliveryTimeoutMs,
      }),
    );
    this.sending = sending.catch(() => undefined);
    return acknowledgedWithin(sending, records, this.deliveryTimeoutMs);
  }

  /** Adds the consumed offsets (next offset to read) to the transaction, for the group. */
  async sendOffsets(groupId: string, offsets: readonly OffsetToCommit[]): Promise<void> {
    if (offsets.length === 0) return;
    const txn = await this.current();
    const byTopic = new Map<string, Array<{ partition: number; offset: string; metadata: string | null }>>();
    for (const { topic, partition, offset, metadata } of offsets) {
      const list = byTopic.get(topic) ?? [];
      list.push({ partition, offset: String(offset), metadata: metadata ?? null });
      byTopic.set(topic, list);
    }
    const topics = [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
    // kafkajs sends AddOffsetsToTxn once and throws what it answers. Kafka's producer retries
    // the answers that only mean "not yet": CONCURRENT_TRANSACTIONS, while the markers of the
    // previous transaction are still being written (on Apache Kafka, right after every
    // commit), and a coordinator moving or loading. Each of those, thrown, would abort the
    // whole transaction. Bounded by the transaction timeout, after which the coordinator
    // aborts the transaction anyway.
    await retryWithBackoff(() => txn.sendOffsets({ consumerGroupId: groupId, topics }), {
      what: `adding offsets to transaction ${this.options.transactionalId}`,
      initialMs: 5,
      maxMs: 1_000,
      giveUpAfterMs: this.options.transactionTimeoutMs,
      isRetriable: (error) => ADD_OFFSETS_NOT_YET.has(kafkaErrorType(error) ?? ""),
    });
  }

  async commit(): Promise<void> {
    const txn = this.transaction;
    this.transaction = undefined;
    try {
      if (txn?.isActive()) await txn.commit();
    } finally {
      this.txnPartitions?.partitions.ended();
    }
  }

  async abort(): Promise<void> {
    const txn = this.transaction;
    this.transaction = undefined;
    try {
      if (txn?.isActive()) await txn.abort();
    } finally {
      this.txnPartitions?.partitions.ended();
    }
  }

  /** Disconnects without ending an open transaction: the coordinator aborts it when a new owner initializes, or on timeout. */
  async close(): Promise<void> {
    this.transaction = undefined;
    this.txnPartitions?.partitions.ended();
    this.txnPartitions?.unregister();
    this.produceLedger?.unregister();
    this.transactionsV2?.unregister();
    this.unregister?.();
    this.unregister = undefined;
    if (this.connected) {
      this.connected = false;
      await this.producer.disconnect();
    }
  }
}
