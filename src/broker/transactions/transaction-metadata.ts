// The state of one transactional id, as Kafka's TransactionMetadata keeps it in
// __transaction_state: the producer id and epoch it owns, the transaction timeout, and the
// ongoing transaction's partitions, consumer groups (AddOffsetsToTxn) and start time.
//
// States and the transitions Kafka allows between them:
//   Empty -> Ongoing (first AddPartitions/AddOffsets) -> PrepareCommit | PrepareAbort
//   PrepareCommit -> CompleteCommit, PrepareAbort -> CompleteAbort (markers written)
//   Empty | CompleteCommit | CompleteAbort -> Empty (InitProducerId bumps the epoch)
//   CompleteCommit | CompleteAbort -> Ongoing (the next transaction)
//   Ongoing -> PrepareEpochFence -> PrepareAbort (InitProducerId of a newer producer, or the
//   transaction timeout: the epoch is bumped so the old producer is fenced, then aborted)
//   Empty | CompleteCommit | CompleteAbort -> PrepareAbort (EndTxn v5 aborting an empty one)
//   Dead: expired transactional ids (transactional.id.expiration.ms)
export type TransactionState =
  | "Empty"
  | "Ongoing"
  | "PrepareCommit"
  | "PrepareAbort"
  | "CompleteCommit"
  | "CompleteAbort"
  | "Dead"
  | "PrepareEpochFence";

const VALID_PREVIOUS: Record<TransactionState, readonly TransactionState[]> = {
  Empty: ["Empty", "CompleteCommit", "CompleteAbort"],
  Ongoing: ["Ongoing", "Empty", "CompleteCommit", "CompleteAbort"],
  PrepareCommit: ["Ongoing"],
  // Transactions v2 also abort a transaction the coordinator never saw start (EndTxn v5).
  PrepareAbort: ["Ongoing", "PrepareEpochFence", "Empty", "CompleteCommit", "CompleteAbort"],
  CompleteCommit: ["PrepareCommit"],
  CompleteAbort: ["PrepareAbort"],
  Dead: ["Empty", "CompleteCommit", "CompleteAbort"],
  PrepareEpochFence: ["Ongoing"],
};

/** Kafka's Short.MaxValue - 1: from here the next epoch bump takes a new producer id instead. */
const MAX_EPOCH_BEFORE_ROTATION = 32766;

export function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

/** The persisted form (a record of the transaction state journal). */
export interface TransactionRecord {
  transactionalId: string;
  producerId: number;
  lastProducerId: number;
  producerEpoch: number;
  lastProducerEpoch: number;
  txnTimeoutMs: number;
  state: TransactionState;
  partitions: { topic: string; partition: number }[];
  groups: string[];
  txnStartTimestamp: number;
  txnLastUpdateTimestamp: number;
}

export class TransactionMetadata {
  producerId: number;
  lastProducerId: number;
  producerEpoch: number;
  lastProducerEpoch: number;
  txnTimeoutMs: number;
  state: TransactionState;
  /** Partitions of the ongoing transaction, keyed by partitionKey. */
  readonly partitions = new Map<string, { topic: string; partition: number }>();
  /** Groups whose offsets the ongoing transaction commits (AddOffsetsToTxn). */
  readonly groups = new Set<string>();
  txnStartTimestamp: number;
  txnLastUpdateTimestamp: number;
  /** The timer that aborts the ongoing transaction when it outlives its timeout. */
  timeoutTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly transactionalId: string,
    init: Omit<TransactionRecord, "transactionalId" | "partitions" | "groups"> & {
      partitions?: TransactionRecord["partitions"];
      groups?: readonly string[];
    },
  ) {
    this.producerId = init.producerId;
    this.lastProducerId = init.lastProducerId;
    this.producerEpoch = init.producerEpoch;
    this.lastProducerEpoch = init.lastProducerEpoch;
    this.txnTimeoutMs = init.txnTimeoutMs;
    this.state = init.state;
    this.txnStartTimestamp = init.txnStartTimestamp;
    this.txnLastUpdateTimestamp = init.txnLastUpdateTimestamp;
    for (const p of init.partitions ?? []) this.partitions.set(partitionKey(p.topic, p.partition), p);
    for (const g of init.groups ?? []) this.groups.add(g);
  }

  is(state: TransactionState): boolean {
    return this.state === state;
  }

  transitionTo(state: TransactionState, now: number): void {
    if (!VALID_PREVIOUS[state].includes(this.state)) {
      throw new Error(`transactional id ${this.transactionalId} cannot move from ${this.state} to ${state}`);
    }
    this.state = state;
    this.txnLastUpdateTimestamp = now;
  }

  get isProducerEpochExhausted(): boolean {
    return this.producerEpoch >= MAX_EPOCH_BEFORE_ROTATION;
  }

  hasPartition(topic: string, partition: number): boolean {
    return this.partitions.has(partitionKey(topic, partition));
  }

  /** InitProducerId on a settled transactional id: the next epoch (0 for a new id). */
  bumpEpoch(timeoutMs: number, now: number): void {
    this.lastProducerEpoch = this.producerEpoch;
    this.producerEpoch += 1;
    this.txnTimeoutMs = timeoutMs;
    this.partitions.clear();
    this.groups.clear();
    this.transitionTo("Empty", now);
  }

  /** InitProducerId when the epochs of the current producer id are used up: a new id at epoch 0. */
  rotateProducerId(newProducerId: number, timeoutMs: number, now: number): void {
    this.lastProducerId = this.producerId;
    this.producerId = newProducerId;
    this.lastProducerEpoch = this.producerEpoch;
    this.producerEpoch = 0;
    this.txnTimeoutMs = timeoutMs;
    this.partitions.clear();
    this.groups.clear();
    this.transitionTo("Empty", now);
  }

  /** AddPartitionsToTxn / AddOffsetsToTxn: the transaction starts with its first partition or group. */
  addToTransaction(
    partitions: readonly { topic: string; partition: number }[],
    group: string | null,
    now: number,
  ): void {
    if (!this.is("Ongoing")) {
      this.partitions.clear();
      this.groups.clear();
      this.txnStartTimestamp = now;
    }
    for (const p of partitions) this.partitions.set(partitionKey(p.topic, p.partition), p);
    if (group !== null) this.groups.add(group);
    this.transitionTo("Ongoing", now);
  }

  /** Transactions v2: EndTxn's Prepare* takes the next epoch, remembering the one the producer sent. */
  bumpEpochAtEnd(): void {
    this.lastProducerId = this.producerId;
    this.lastProducerEpoch = this.producerEpoch;
    this.producerEpoch += 1;
  }

  /** Transactions v2: the epochs of the producer id ran out at EndTxn; the producer continues with a new id at epoch 0. */
  rotateAfterEnd(newProducerId: number): void {
    this.producerId = newProducerId;
    this.producerEpoch = 0;
  }

  /** Whether the transaction ended, and `producerId` and `producerEpoch` are what the producer held before EndTxn v5 bumped them. */
  isBeforeLastBump(producerId: number, producerEpoch: number): boolean {
    const ended = this.is("CompleteCommit") || this.is("CompleteAbort");
    return ended && producerId === this.lastProducerId && producerEpoch === this.lastProducerEpoch;
  }

  /** A newer producer or the timeout ends the ongoing transaction: bump the epoch so the current producer is fenced. */
  fenceProducerEpoch(now: number): void {
    this.transitionTo("PrepareEpochFence", now);
    this.producerEpoch += 1;
    this.lastProducerEpoch = -1;
  }

  toRecord(): TransactionRecord {
    return {
      transactionalId: this.transactionalId,
      producerId: this.producerId,
      lastProducerId: this.lastProducerId,
      producerEpoch: this.producerEpoch,
      lastProducerEpoch: this.lastProducerEpoch,
      txnTimeoutMs: this.txnTimeoutMs,
      state: this.state,
      partitions: [...this.partitions.values()],
      groups: [...this.groups],
      txnStartTimestamp: this.txnStartTimestamp,
      txnLastUpdateTimestamp: this.txnLastUpdateTimestamp,
    };
  }
}
