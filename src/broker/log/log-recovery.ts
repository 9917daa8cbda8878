// Recovery of a partition loaded from a data directory: every batch after the producer
// snapshot replayed through producer state, which rebuilds the LSO and the aborted-
// transaction index entries of markers written after the snapshot (the loader dropped
// those entries, so a torn index tail cannot survive).
import { ControlType } from "../protocol/control-record.js";
import { isControl } from "../protocol/record-batch.js";
import type { CleanerCheckpoint } from "./log-cleaner.js";
import { segmentIndexFor } from "./log-reads.js";
import type { LogSegment } from "./log-segment.js";
import type { ProducerSnapshotEntry, ProducerStateManager } from "./producer-state.js";

/** A partition's state as loaded from a data directory (storage/partition-loader.ts). */
export interface RecoveredLog {
  /** At least one segment; the last is the active one. */
  segments: LogSegment[];
  logStartOffset: number;
  /** Producer state as of `snapshotOffset`; batches from there on are replayed. */
  producers: readonly ProducerSnapshotEntry[];
  snapshotOffset: number;
  cleanerCheckpoint: CleanerCheckpoint;
}

/**
 * Loads a recovered partition: its segments as found, producer state from the snapshot,
 * then every batch after the snapshot replayed through producer state, which rebuilds the
 * LSO and the aborted-transaction index entries of markers written after the snapshot
 * (the loader dropped those entries, so a torn index tail cannot survive).
 */
export function replayAfterSnapshot(
  segments: readonly LogSegment[],
  producers: ProducerStateManager,
  snapshotOffset: number,
  coordinatorEpoch: number,
): void {
  for (let s = segmentIndexFor(segments, snapshotOffset); s < segments.length; s++) {
    const segment = segments[s]!;
    for (let i = segment.indexOfOffset(snapshotOffset); i < segment.entries.length; i++) {
      const entry = segment.entries[i]!;
      if (entry.producerId < 0 || entry.baseOffset < snapshotOffset) continue;
      if (isControl(entry.attributes)) {
        if (entry.controlType < 0) continue;
        const completed = producers.onMarker(
          entry.producerId,
          entry.producerEpoch,
          coordinatorEpoch,
          entry.controlType === ControlType.ABORT,
          entry.baseOffset,
          entry.maxTimestamp,
        );
        if (completed?.aborted) {
          segment.addAbortedTxn({
            producerId: entry.producerId,
            firstOffset: completed.firstOffset,
            lastOffset: completed.lastOffset,
            lastStableOffset: producers.firstUndecidedOffset ?? completed.lastOffset + 1,
          });
        }
      } else {
        const fields = { ...entry, lastOffsetDelta: entry.lastOffset - entry.baseOffset };
        producers.onDataBatch(fields, entry.baseOffset, entry.lastOffset, entry.maxTimestamp);
      }
    }
  }
}
