// The transaction coordinator, following Kafka's TransactionCoordinator: producer ids and
// epochs (InitProducerId), the partitions and groups of each ongoing transaction
// (AddPartitionsToTxn, AddOffsetsToTxn), and its end (EndTxn), with fencing by epoch and a
// timer that aborts a transaction older than its timeout.
//
// Kafka writes the PrepareCommit/PrepareAbort state, answers EndTxn, and then sends the
// markers asynchronously, answering CONCURRENT_TRANSACTIONS to the producer's next
// transaction until they are written. Here every partition is local, so EndTxn writes the
// markers to every partition of the transaction (and completes its group offsets) before it
// answers: a client that starts its next transaction at once (kafkajs does) never waits.
// InitProducerId on an ongoing transaction still answers CONCURRENT_TRANSACTIONS once, as
// Kafka does after starting the abort: the client retries and gets the epoch bumped again.
//
// Transactions v2 (KIP-890 part 2): Produce v12 and TxnOffsetCommit v5 add to the transaction
// (addImplicitly); EndTxn v5 bumps the epoch, which the markers carry and the answer hands over
// (a new id at epoch 0 once the epochs run out), its retry with the old epoch answered again.
//
// Every state change is written to the state store before the answer (a data directory
// keeps it across a crash), in Kafka's order: Prepare*, markers, Complete*.
import type { Logger } from "pino";
import { ErrorCode } from "../protocol/error-codes.js";
import type { ProducerIdManager } from "./producer-id-manager.js";
import { TransactionMetadata, type TransactionRecord } from "./transaction-metadata.js";
import type { TransactionStateStore } from "./transaction-state-store.js";

/** Writes one marker; the coordinator has no other way to reach a partition. */
export type MarkerWriter = (
  topic: string,
  partition: number,
  producerId: number,
  producerEpoch: number,
  commit: boolean,
) => void;
/** Makes a group's pending transactional offsets committed, or drops them. */
export type TxnOffsetCompleter = (groupId: string, producerId: number, commit: boolean) => void;

export interface TransactionCoordinatorOptions {
  /** transaction.max.timeout.ms: larger timeouts are refused with INVALID_TRANSACTION_TIMEOUT. */
  maxTimeoutMs: number;
  /** transactional.id.expiration.ms: idle transactional ids are forgotten after this long. */
  transactionalIdExpirationMs: number;
  producerIds: ProducerIdManager;
  store: TransactionStateStore;
  writeMarker: MarkerWriter;
  completeOffsets: TxnOffsetCompleter;
  /** Whether the producer still has an ongoing transaction on a partition (recovery only writes missing markers). */
  hasOngoingTransaction: (topic: string, partition: number, producerId: number) => boolean;
  logger: Logger;
  now: () => number;
}

export interface InitProducerIdResult {
  errorCode: ErrorCode;
  producerId: number;
  producerEpoch: number;
}

/** EndTxn's answer: under transactions v2 also the producer id and epoch to continue with. */
export type EndTxnResult = InitProducerIdResult;

function initError(errorCode: ErrorCode): InitProducerIdResult {
  return { errorCode, producerId: -1, producerEpoch: -1 };
}

export class TransactionCoordinator {
  private readonly transactions = new Map<string, TransactionMetadata>();
  private closed = false;

  constructor(private readonly options: TransactionCoordinatorOptions) {}

  get size(): number {
    return this.transactions.size;
  }

  /** Every transactional id's state (a data directory rewrites its journal from these). */
  *records(): Generator<TransactionRecord> {
    for (const txn of this.transactions.values()) yield txn.toRecord();
  }

  /** A transactional id's state (tests and DescribeTransactions-like inspection). */
  describe(transactionalId: string): TransactionRecord | undefined {
    return this.transactions.get(transactionalId)?.toRecord();
  }

  // ---- InitProducerId ----

  initProducerId(transactionalId: string | null, transactionTimeoutMs: number): InitProducerIdResult {
    const now = this.options.now();
    if (transactionalId === null) {
      // An idempotent producer: a fresh producer id every time, epoch 0.
      return { errorCode: ErrorCode.NONE, producerId: this.options.producerIds.generate(), producerEpoch: 0 };
    }
    if (transactionalId.length === 0) return initError(ErrorCode.INVALID_REQUEST);
    if (transactionTimeoutMs <= 0 || transactionTimeoutMs > this.options.maxTimeoutMs) {
      return initError(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    }
    let txn = this.transactions.get(transactionalId);
    if (!txn || txn.is("Dead")) {
      txn = new TransactionMetadata(transactionalId, {
        producerId: this.options.producerIds.generate(),
        lastProducerId: -1,
        producerEpoch: -1,
        lastProducerEpoch: -1,
        txnTimeoutMs: transactionTimeoutMs,
        state: "Empty",
        txnStartTimestamp: -1,
        txnLastUpdateTimestamp: now,
      });
      this.transactions.set(transactionalId, txn);
    }
    switch (txn.state) {
      case "PrepareCommit":
      case "PrepareAbort":
      case "PrepareEpochFence":
        return initError(ErrorCode.CONCURRENT_TRANSACTIONS);
      case "Ongoing":
        // A new producer took the transactional id: fence the old one and abort its
        // transaction; the client retries and then gets the next epoch.
        this.options.logger.info(
          { transactionalId, producerId: txn.producerId, producerEpoch: txn.producerEpoch },
          "fencing the previous producer of the transactional id and aborting its transaction",
        );
        this.fenceAndAbort(txn, now);
        return initError(ErrorCode.CONCURRENT_TRANSACTIONS);
      default:
        if (txn.isProducerEpochExhausted)
          txn.rotateProducerId(this.options.producerIds.generate(), transactionTimeoutMs, now);
        else txn.bumpEpoch(transactionTimeoutMs, now);
        this.persist(txn);
        this.options.logger.info(
          { transactionalId, producerId: txn.producerId, producerEpoch: txn.producerEpoch },
          "initialized transactional id",
        );
        return { errorCode: ErrorCode.NONE, producerId: txn.producerId, producerEpoch: txn.producerEpoch };
    }
  }

  // ---- AddPartitionsToTxn, AddOffsetsToTxn ----

  /** Kafka's checks shared by AddPartitions, AddOffsets and the produce/offset-commit verification. */
  private checkProducer(
    transactionalId: string,
    producerId: number,
    producerEpoch: number,
  ): TransactionMetadata | ErrorCode {
    if (transactionalId.length === 0) return ErrorCode.INVALID_REQUEST;
    const txn = this.transactions.get(transactionalId);
    if (!txn || txn.is("Dead") || txn.producerId !== producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    if (txn.producerEpoch !== producerEpoch) return ErrorCode.INVALID_PRODUCER_EPOCH;
    return txn;
  }

  addPartitions(
    transactionalId: string,
    producerId: number,
    producerEpoch: number,
    partitions: readonly { topic: string; partition: number }[],
  ): ErrorCode {
    return this.addToTransaction(transactionalId, producerId, producerEpoch, partitions, null);
  }

  addOffsets(transactionalId: string, producerId: number, producerEpoch: number, groupId: string): ErrorCode {
    return this.addToTransaction(transactionalId, producerId, producerEpoch, [], groupId);
  }

  private addToTransaction(
    transactionalId: string,
    producerId: number,
    producerEpoch: number,
    partitions: readonly { topic: string; partition: number }[],
    groupId: string | null,
  ): ErrorCode {
    const txn = this.checkProducer(transactionalId, producerId, producerEpoch);
    if (typeof txn === "number") return txn;
    if (txn.is("PrepareCommit") || txn.is("PrepareAbort") || txn.is("PrepareEpochFence"))
      return ErrorCode.CONCURRENT_TRANSACTIONS;
    const known =
      partitions.every((p) => txn.hasPartition(p.topic, p.partition)) && (groupId === null || txn.groups.has(groupId));
    if (txn.is("Ongoing") && known) return ErrorCode.NONE;
    const starting = !txn.is("Ongoing");
    const now = this.options.now();
    txn.addToTransaction(partitions, groupId, now);
    this.persist(txn);
    if (starting) this.armTimeout(txn);
    return ErrorCode.NONE;
  }

  // ---- verification of transactional writes (KIP-890's server-side check) ----

  /**
   * A transactional batch may only be written by the current producer of its transactional
   * id, to a partition added to its ongoing transaction: a batch outside the transaction
   * would hold the partition's LSO back forever, as no marker would ever end it.
   */
  verifyPartition(
    transactionalId: string,
    producerId: number,
    producerEpoch: number,
    topic: string,
    partition: number,
  ): ErrorCode {
    const txn = this.checkProducer(transactionalId, producerId, producerEpoch);
    if (typeof txn === "number") return txn;
    if (!txn.is("Ongoing") || !txn.hasPartition(topic, partition)) return ErrorCode.INVALID_TXN_STATE;
    return ErrorCode.NONE;
  }

  /** TxnOffsetCommit: the current producer, with the group added to its ongoing transaction. */
  verifyOffsetCommit(transactionalId: string, producerId: number, producerEpoch: number, groupId: string): ErrorCode {
    const txn = this.checkProducer(transactionalId, producerId, producerEpoch);
    if (typeof txn === "number") return txn;
    if (!txn.is("Ongoing") || !txn.groups.has(groupId)) return ErrorCode.INVALID_TXN_STATE;
    return ErrorCode.NONE;
  }

  /**
   * Transactions v2: a Produce v12 batch's partition, or a TxnOffsetCommit v5's group, joins
   * the producer's transaction (starting it), as Kafka's leader asks the coordinator to.
   */
  addImplicitly(
    transactionalId: string,
    producerId: number,
    producerEpoch: number,
    added: { topic: string; partition: number } | { groupId: string },
  ): ErrorCode {
    const [partitions, groupId] = "groupId" in added ? [[], added.groupId] : [[added], null];
    return this.addToTransaction(transactionalId, producerId, producerEpoch, partitions, groupId);
  }

  // ---- EndTxn ----

  /** `bumpEpoch`: EndTxn v5 (transactions v2); `fencedCode`: what a stale epoch is answered in the request's version. */
  endTransaction(
    transactionalId: string,
    producerId: number,
    producerEpoch: number,
    commit: boolean,
    bumpEpoch = false,
    fencedCode: ErrorCode = ErrorCode.INVALID_PRODUCER_EPOCH,
  ): EndTxnResult {
    const answer = (errorCode: ErrorCode): EndTxnResult =>
      errorCode === ErrorCode.NONE && txn !== undefined
        ? { errorCode, producerId: txn.producerId, producerEpoch: txn.producerEpoch }
        : { errorCode, producerId: -1, producerEpoch: -1 };
    if (transactionalId.length === 0) return answer(ErrorCode.INVALID_REQUEST);
    const txn = this.transactions.get(transactionalId);
    if (!txn || txn.is("Dead")) return answer(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    // A retry of an EndTxn v5 whose answer (the bumped epoch) was lost.
    if (bumpEpoch && txn.isBeforeLastBump(producerId, producerEpoch))
      return answer(txn.is("CompleteCommit") === commit ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE);
    if (txn.producerId !== producerId) return answer(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    if (producerEpoch !== txn.producerEpoch) return answer(fencedCode);
    return answer(this.endCurrent(txn, commit, bumpEpoch));
  }

  private endCurrent(txn: TransactionMetadata, commit: boolean, bumpEpoch: boolean): ErrorCode {
    const ended = txn.is("Empty") || txn.is("CompleteCommit") || txn.is("CompleteAbort");
    // Transactions v2: the client cannot know whether a failed Produce added its partition, so
    // it may abort a transaction the coordinator never saw: the epoch is bumped all the same.
    if (txn.is("Ongoing") || (bumpEpoch && ended && !commit)) {
      this.complete(txn, commit, this.options.now(), bumpEpoch);
      return ErrorCode.NONE;
    }
    if (bumpEpoch && ended) return ErrorCode.INVALID_TXN_STATE;
    switch (txn.state) {
      case "CompleteCommit": // a retry of an EndTxn whose answer was lost
        return commit ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE;
      case "CompleteAbort":
        return commit ? ErrorCode.INVALID_TXN_STATE : ErrorCode.NONE;
      case "PrepareCommit":
        return commit ? ErrorCode.CONCURRENT_TRANSACTIONS : ErrorCode.INVALID_TXN_STATE;
      case "PrepareAbort":
        return commit ? ErrorCode.INVALID_TXN_STATE : ErrorCode.CONCURRENT_TRANSACTIONS;
      default:
        return ErrorCode.INVALID_TXN_STATE;
    }
  }

  /**
   * Ongoing (or fenced) -> Prepare* -> markers and group offsets -> Complete*. `bumpEpoch`
   * (transactions v2): Prepare* takes the next epoch, which the markers carry; past the last
   * epoch of the producer id, Complete* takes a fresh one at epoch 0.
   */
  private complete(txn: TransactionMetadata, commit: boolean, now: number, bumpEpoch = false): void {
    this.clearTimeout(txn);
    txn.transitionTo(commit ? "PrepareCommit" : "PrepareAbort", now);
    if (bumpEpoch) txn.bumpEpochAtEnd();
    this.persist(txn);
    this.writeMarkers(txn, commit, false);
    txn.transitionTo(commit ? "CompleteCommit" : "CompleteAbort", this.options.now());
    txn.partitions.clear();
    txn.groups.clear();
    if (bumpEpoch && txn.isProducerEpochExhausted) txn.rotateAfterEnd(this.options.producerIds.generate());
    this.persist(txn);
    this.options.logger.debug(
      { transactionalId: txn.transactionalId, producerId: txn.producerId, producerEpoch: txn.producerEpoch },
      commit ? "committed transaction" : "aborted transaction",
    );
  }

  private writeMarkers(txn: TransactionMetadata, commit: boolean, onlyMissing: boolean): void {
    for (const { topic, partition } of txn.partitions.values()) {
      if (onlyMissing && !this.options.hasOngoingTransaction(topic, partition, txn.producerId)) continue;
      this.options.writeMarker(topic, partition, txn.producerId, txn.producerEpoch, commit);
    }
    for (const groupId of txn.groups) this.options.completeOffsets(groupId, txn.producerId, commit);
  }

  private fenceAndAbort(txn: TransactionMetadata, now: number): void {
    txn.fenceProducerEpoch(now);
    this.complete(txn, false, now);
  }

  // ---- timeouts ----

  private armTimeout(txn: TransactionMetadata): void {
    this.clearTimeout(txn);
    if (this.closed) return;
    const delay = Math.max(0, txn.txnStartTimestamp + txn.txnTimeoutMs - this.options.now());
    const { producerId, producerEpoch } = txn;
    txn.timeoutTimer = setTimeout(() => {
      txn.timeoutTimer = null;
      if (!txn.is("Ongoing") || txn.producerId !== producerId || txn.producerEpoch !== producerEpoch) return;
      this.options.logger.info(
        { transactionalId: txn.transactionalId, producerId, producerEpoch, timeoutMs: txn.txnTimeoutMs },
        "aborting a transaction that outlived its timeout",
      );
      try {
        this.fenceAndAbort(txn, this.options.now());
      } catch (error) {
        // A write that failed (a full disk) must not take the broker down from a timer.
        this.options.logger.error(
          { err: error, transactionalId: txn.transactionalId },
          "aborting a timed-out transaction failed",
        );
      }
    }, delay);
    txn.timeoutTimer.unref();
  }

  private clearTimeout(txn: TransactionMetadata): void {
    if (txn.timeoutTimer) clearTimeout(txn.timeoutTimer);
    txn.timeoutTimer = null;
  }

  /** Forgets transactional ids idle past transactional.id.expiration.ms (never an ongoing one). */
  expireTransactionalIds(): number {
    const now = this.options.now();
    let expired = 0;
    for (const txn of this.transactions.values()) {
      const settled = txn.is("Empty") || txn.is("CompleteCommit") || txn.is("CompleteAbort");
      if (settled && now - txn.txnLastUpdateTimestamp >= this.options.transactionalIdExpirationMs) {
        txn.transitionTo("Dead", now);
        this.transactions.delete(txn.transactionalId);
        this.options.store.remove(txn.transactionalId);
        expired += 1;
      }
    }
    return expired;
  }

  // ---- persistence and lifecycle ----

  private persist(txn: TransactionMetadata): void {
    this.options.store.write(txn.toRecord());
  }

  /**
   * Loads the transactional ids of a data directory: a transaction caught between Prepare*
   * and Complete* by a crash gets its missing markers now; ongoing ones get their timers back
   * (a transaction already past its timeout is aborted at once).
   */
  restore(records: readonly TransactionRecord[]): void {
    const now = this.options.now();
    for (const record of records) {
      const txn = new TransactionMetadata(record.transactionalId, record);
      this.transactions.set(txn.transactionalId, txn);
      if (txn.is("PrepareCommit") || txn.is("PrepareAbort")) {
        const commit = txn.is("PrepareCommit");
        this.writeMarkers(txn, commit, true);
        txn.transitionTo(commit ? "CompleteCommit" : "CompleteAbort", now);
        txn.partitions.clear();
        txn.groups.clear();
        this.persist(txn);
      } else if (txn.is("PrepareEpochFence")) {
        txn.state = "Ongoing";
        this.complete(txn, false, now);
      } else if (txn.is("Ongoing")) {
        this.armTimeout(txn);
      }
    }
  }

  close(): void {
    this.closed = true;
    for (const txn of this.transactions.values()) this.clearTimeout(txn);
  }
}
