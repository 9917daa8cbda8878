// A partition's aborted transactions as read_committed fetches need them: Kafka's
// collectAbortedTransactions over the segments' transaction indexes, and the list a Fetch
// response carries for the batches it returns.
import { isControl, isTransactional } from "../protocol/record-batch.js";
import type { AbortedTxn, LogSegment } from "./log-segment.js";
import { segmentIndexFor } from "./log-reads.js";

/** An entry of Fetch's aborted_transactions list. */
export interface AbortedTransaction {
  producerId: number;
  firstOffset: number;
}

/**
 * Kafka's collectAbortedTransactions: the aborted transactions overlapping [from, to), read
 * from the transaction index of the segment holding `from` onwards. The search stops at an
 * entry whose LSO reaches `to`: every transaction aborted later started at or after it.
 */
export function abortedTransactions(segments: readonly LogSegment[], from: number, to: number): AbortedTxn[] {
  const found: AbortedTxn[] = [];
  for (let s = segmentIndexFor(segments, from); s < segments.length; s++) {
    for (const txn of segments[s]!.abortedTxns) {
      if (txn.lastOffset >= from && txn.firstOffset < to) found.push(txn);
      if (txn.lastStableOffset >= to) return found;
    }
  }
  return found;
}

/**
 * The aborted_transactions list of a read_committed Fetch that returned [from, to): each
 * aborted transaction with data in that range, with the offset of its first data batch
 * returned, in offset order. A Java or librdkafka consumer filters exactly as it would with
 * Kafka's list (the transaction's true first offset), because it only compares these
 * offsets with the batches it received. kafkajs 2.2.4 needs this form: it activates at most
 * one listed transaction per record it reads, in list order, so several transactions that
 * started before the fetch offset would leak aborted records to it.
 */
export function abortedTransactionsForFetch(
  segments: readonly LogSegment[],
  from: number,
  to: number,
): AbortedTransaction[] {
  if (from >= to) return [];
  const out: AbortedTransaction[] = [];
  for (const txn of abortedTransactions(segments, from, to)) {
    const first = firstTransactionalBatch(
      segments,
      txn.producerId,
      Math.max(txn.firstOffset, from),
      Math.min(txn.lastOffset, to),
    );
    if (first !== null) out.push({ producerId: txn.producerId, firstOffset: Math.max(first, from) });
  }
  return out.sort((a, b) => a.firstOffset - b.firstOffset);
}

/** Base offset of the producer's first transactional data batch ending at or after `from`, starting before `until`. */
function firstTransactionalBatch(
  segments: readonly LogSegment[],
  producerId: number,
  from: number,
  until: number,
): number | null {
  for (let s = segmentIndexFor(segments, from); s < segments.length; s++) {
    const entries = segments[s]!.entries;
    for (let i = segments[s]!.indexOfOffset(from); i < entries.length; i++) {
      const entry = entries[i]!;
      if (entry.baseOffset >= until) return null;
      if (entry.producerId === producerId && isTransactional(entry.attributes) && !isControl(entry.attributes))
        return entry.baseOffset;
    }
  }
  return null;
}
