// Producer state of one partition, as Kafka's ProducerStateManager keeps it: per producer id
// its epoch, the last 5 batches' sequence ranges and offsets (librdkafka keeps up to 5
// requests in flight, so a retry of any of them is recognised as a duplicate), the
// coordinator epoch of its last marker, and the first offset of its ongoing transaction.
// The ongoing transactions give the partition's last stable offset.
//
// The rules follow Kafka's ProducerAppendInfo:
//  - a batch whose epoch and exact sequence range match a retained batch is a duplicate: the
//    client gets the original offsets and error 0;
//  - an epoch below the producer's current one is fenced (INVALID_PRODUCER_EPOCH);
//  - a new epoch must start at sequence 0, unless the producer is unknown here (its state
//    expired or its records were deleted), which Kafka accepts at any sequence since KIP-360;
//  - within an epoch the sequence continues exactly (wrapping from 2^31-1 to 0), else
//    OUT_OF_ORDER_SEQUENCE_NUMBER; a marker that bumped the epoch resets it to 0;
//  - a producer with an ongoing transaction may only write transactional batches.
import { ErrorCode } from "../protocol/error-codes.js";
import { Attributes } from "../protocol/record-batch.js";

export const NO_PRODUCER_ID = -1;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;
const BATCHES_TO_RETAIN = 5;
const INT32_MAX = 2147483647;

/** Kafka's DefaultRecordBatch.incrementSequence: sequences wrap from 2^31-1 to 0. */
export function incrementSequence(sequence: number, increment: number): number {
  return sequence > INT32_MAX - increment ? increment - (INT32_MAX - sequence) - 1 : sequence + increment;
}

function inSequence(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === INT32_MAX);
}

export interface BatchMetadata {
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly firstOffset: number;
  readonly lastOffset: number;
  /** The batch's max timestamp (the append time on LogAppendTime topics). */
  readonly timestamp: number;
}

export interface ProducerEntry {
  readonly producerId: number;
  producerEpoch: number;
  coordinatorEpoch: number;
  lastTimestamp: number;
  currentTxnFirstOffset: number | null;
  /** Oldest first, at most 5. */
  batches: BatchMetadata[];
}

/** A transaction that a marker ended on this partition. */
export interface CompletedTxn {
  readonly producerId: number;
  readonly firstOffset: number;
  /** The marker's offset. */
  readonly lastOffset: number;
  readonly aborted: boolean;
}

/** The producer fields of a batch header that producer state looks at. */
export interface ProducerBatchFields {
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly lastOffsetDelta: number;
  readonly attributes: number;
}

export type DataBatchCheck =
  | { readonly outcome: "append" }
  | { readonly outcome: "duplicate"; readonly batch: BatchMetadata }
  | { readonly outcome: "reject"; readonly errorCode: ErrorCode; readonly message: string };

const APPEND: DataBatchCheck = { outcome: "append" };

export interface ProducerSnapshotEntry {
  producerId: number;
  producerEpoch: number;
  coordinatorEpoch: number;
  lastTimestamp: number;
  currentTxnFirstOffset: number | null;
  batches: BatchMetadata[];
}

export class ProducerStateManager {
  private readonly producers = new Map<number, ProducerEntry>();
  /**
   * Ongoing transactions, first offset -> producer id. Transactions start at increasing
   * offsets and a Map iterates in insertion order, so the first key is the smallest: the
   * first undecided offset.
   */
  private ongoing = new Map<number, number>();

  get size(): number {
    return this.producers.size;
  }

  entry(producerId: number): ProducerEntry | undefined {
    return this.producers.get(producerId);
  }

  /** Checks a client's data batch before it is appended (ProducerAppendInfo's validation). */
  checkDataBatch(batch: ProducerBatchFields): DataBatchCheck {
    const { producerId, producerEpoch, baseSequence } = batch;
    const entry = this.producers.get(producerId);
    const lastSeq = incrementSequence(baseSequence, batch.lastOffsetDelta);
    if (entry && entry.producerEpoch === producerEpoch) {
      const duplicate = entry.batches.find((b) => b.firstSeq === baseSequence && b.lastSeq === lastSeq);
      if (duplicate) return { outcome: "duplicate", batch: duplicate };
    }
    const currentEpoch = entry ? entry.producerEpoch : NO_PRODUCER_EPOCH;
    if (producerEpoch < currentEpoch) {
      return {
        outcome: "reject",
        errorCode: ErrorCode.INVALID_PRODUCER_EPOCH,
        message: `epoch ${producerEpoch} of producer ${producerId} is smaller than the last seen epoch ${currentEpoch}`,
      };
    }
    if (producerEpoch !== currentEpoch) {
      if (baseSequence !== 0 && currentEpoch !== NO_PRODUCER_EPOCH) {
        return {
          outcome: "reject",
          errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
          message: `invalid sequence ${baseSequence} for new epoch ${producerEpoch} of producer ${producerId} (current epoch ${currentEpoch})`,
        };
      }
    } else {
      const last = entry!.batches[entry!.batches.length - 1];
      const currentLastSeq = last ? last.lastSeq : NO_SEQUENCE;
      if (!inSequence(currentLastSeq, baseSequence)) {
        return {
          outcome: "reject",
          errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
          message: `out of order sequence ${baseSequence} for producer ${producerId}: the last sequence is ${currentLastSeq}`,
        };
      }
    }
    if (entry && entry.currentTxnFirstOffset !== null && (batch.attributes & Attributes.TRANSACTIONAL) === 0) {
      return {
        outcome: "reject",
        errorCode: ErrorCode.INVALID_TXN_STATE,
        message: `producer ${producerId} has an ongoing transaction and wrote a non-transactional batch`,
      };
    }
    return APPEND;
  }

  /** Records an appended data batch of an idempotent or transactional producer. */
  onDataBatch(batch: ProducerBatchFields, firstOffset: number, lastOffset: number, timestamp: number): void {
    const entry = this.entryFor(batch.producerId);
    this.updateEpoch(entry, batch.producerEpoch);
    if (entry.batches.length === BATCHES_TO_RETAIN) entry.batches.shift();
    entry.batches.push({
      firstSeq: batch.baseSequence,
      lastSeq: incrementSequence(batch.baseSequence, batch.lastOffsetDelta),
      firstOffset,
      lastOffset,
      timestamp,
    });
    entry.lastTimestamp = timestamp;
    if ((batch.attributes & Attributes.TRANSACTIONAL) !== 0 && entry.currentTxnFirstOffset === null) {
      entry.currentTxnFirstOffset = firstOffset;
      this.ongoing.set(firstOffset, batch.producerId);
    }
  }

  /** Checks a marker from the coordinator: an older producer or coordinator epoch is fenced. */
  checkMarker(
    producerId: number,
    producerEpoch: number,
    coordinatorEpoch: number,
  ): { errorCode: ErrorCode; message: string } | null {
    const entry = this.producers.get(producerId);
    if (!entry) return null;
    if (producerEpoch < entry.producerEpoch) {
      return {
        errorCode: ErrorCode.INVALID_PRODUCER_EPOCH,
        message: `marker epoch ${producerEpoch} of producer ${producerId} is smaller than the last seen epoch ${entry.producerEpoch}`,
      };
    }
    if (coordinatorEpoch < entry.coordinatorEpoch) {
      return {
        errorCode: ErrorCode.TRANSACTION_COORDINATOR_FENCED,
        message: `marker from coordinator epoch ${coordinatorEpoch}, older than ${entry.coordinatorEpoch}`,
      };
    }
    return null;
  }

  /**
   * Records a marker; returns the transaction it completed, or null when the producer wrote
   * no data to this partition in it (such a marker changes neither the LSO nor the index).
   */
  onMarker(
    producerId: number,
    producerEpoch: number,
    coordinatorEpoch: number,
    aborted: boolean,
    offset: number,
    timestamp: number,
  ): CompletedTxn | null {
    const entry = this.entryFor(producerId);
    const first = entry.currentTxnFirstOffset;
    const completed = first === null ? null : { producerId, firstOffset: first, lastOffset: offset, aborted };
    this.updateEpoch(entry, producerEpoch);
    if (first !== null) this.ongoing.delete(first);
    entry.currentTxnFirstOffset = null;
    entry.coordinatorEpoch = coordinatorEpoch;
    entry.lastTimestamp = timestamp;
    return completed;
  }

  /** The first offset of the earliest ongoing transaction, or null: the LSO's bound. */
  get firstUndecidedOffset(): number | null {
    for (const first of this.ongoing.keys()) return first;
    return null;
  }

  /** Producer ids with an ongoing transaction here. */
  get ongoingProducers(): number[] {
    return [...this.ongoing.values()];
  }

  /**
   * Forgets producers idle for longer than `expirationMs` without an ongoing transaction
   * (Kafka's producer.id.expiration.ms).
   */
  removeExpired(now: number, expirationMs: number): number {
    let removed = 0;
    for (const [id, entry] of this.producers) {
      if (
        entry.currentTxnFirstOffset === null &&
        entry.lastTimestamp >= 0 &&
        now - entry.lastTimestamp >= expirationMs
      ) {
        this.producers.delete(id);
        removed += 1;
      }
    }
    return removed;
  }

  snapshot(): ProducerSnapshotEntry[] {
    return [...this.producers.values()].map((e) => ({
      producerId: e.producerId,
      producerEpoch: e.producerEpoch,
      coordinatorEpoch: e.coordinatorEpoch,
      lastTimestamp: e.lastTimestamp,
      currentTxnFirstOffset: e.currentTxnFirstOffset,
      batches: e.batches.map((b) => ({ ...b })),
    }));
  }

  restore(entries: readonly ProducerSnapshotEntry[]): void {
    this.producers.clear();
    const ongoing: [number, number][] = [];
    for (const e of entries) {
      this.producers.set(e.producerId, { ...e, batches: e.batches.map((b) => ({ ...b })) });
      if (e.currentTxnFirstOffset !== null) ongoing.push([e.currentTxnFirstOffset, e.producerId]);
    }
    ongoing.sort((a, b) => a[0] - b[0]);
    this.ongoing = new Map(ongoing);
  }

  private entryFor(producerId: number): ProducerEntry {
    let entry = this.producers.get(producerId);
    if (!entry) {
      entry = {
        producerId,
        producerEpoch: NO_PRODUCER_EPOCH,
        coordinatorEpoch: -1,
        lastTimestamp: -1,
        currentTxnFirstOffset: null,
        batches: [],
      };
      this.producers.set(producerId, entry);
    }
    return entry;
  }

  private updateEpoch(entry: ProducerEntry, producerEpoch: number): void {
    if (entry.producerEpoch !== producerEpoch) {
      entry.batches = [];
      entry.producerEpoch = producerEpoch;
    }
  }
}
