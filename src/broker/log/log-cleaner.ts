// Compaction of one cleanup.policy=compact partition, following Kafka's LogCleaner:
//
//  - Only closed segments below the first uncleanable offset are cleaned: the active segment
//    never, nothing at or past the last stable offset (an undecided transaction), nothing
//    younger than min.compaction.lag.ms. Cleaning starts when the dirty part (records since
//    the last cleaning) reaches min.cleanable.dirty.ratio of the cleanable bytes, when the
//    oldest dirty record is older than max.compaction.lag.ms, or when a tombstone or marker
//    kept by an earlier pass reaches its delete horizon.
//  - An offset map of the dirty part gives the newest offset of every key; each cleaned
//    segment keeps a record only if it is the newest for its key. Offsets never change: a
//    batch that loses records is rewritten with its base offset and producer fields
//    (protocol/batch-rewriter.ts); a batch that loses all of them is dropped, never kept
//    empty, so no Fetch answer can consist of a record-less batch (kafkajs would stall on
//    one). Kafka keeps such an empty batch to preserve the producer's state in the log;
//    here producer state survives through the snapshot taken when the active segment rolled.
//  - Records with a null key are dropped (Kafka counts them invalid).
//  - Tombstones are kept until their delete horizon (KIP-534): the first pass that keeps a
//    tombstone stamps its batch with now + delete.retention.ms; a later pass past that time
//    removes it. Consumers therefore see a deletion for at least delete.retention.ms.
//  - Data of aborted transactions is removed. A marker stays while data of its transaction
//    remains in this pass, then until its own delete horizon, and then goes.
//  - gzip, snappy and lz4 batches are opened (src/bytes/compression.ts); a rewritten gzip batch
//    stays gzip, a rewritten snappy or lz4 batch is written uncompressed. zstd batches cannot
//    be opened in Node 20: they are kept as they are, and their keys do not take part in the
//    offset map.
//
// The cleaned copies replace the old segments at once (PartitionLog.replaceSegments), in
// groups no larger than segment.bytes.
import { deleteHorizonOf, readRecordSpans, rewriteBatch, type RecordSpan } from "../protocol/batch-rewriter.js";
import { isControl, isTransactional, readBatchHeader, type BatchHeader } from "../protocol/record-batch.js";
import { storedDecompressionLimit } from "./log-config.js";
import { LogSegment, type AbortedTxn, type BatchEntry } from "./log-segment.js";
import type { PartitionLog } from "./partition-log.js";

export interface CleanerCheckpoint {
  /** The first offset not yet cleaned (Kafka's cleaner-offset-checkpoint). */
  firstDirtyOffset: number;
  /** Earliest delete horizon among tombstones and markers kept by the last pass (Infinity: none). */
  nextDeleteHorizon: number;
}

export interface CleaningPlan {
  /** Segments [0, segmentCount) are rewritten. */
  segmentCount: number;
  /** The offset map covers [firstDirtyOffset, dirtyEnd). */
  firstDirtyOffset: number;
  dirtyEnd: number;
  dirtyRatio: number;
}

export interface CleaningResult {
  segmentsBefore: number;
  segmentsAfter: number;
  bytesBefore: number;
  bytesAfter: number;
  recordsRemoved: number;
  checkpoint: CleanerCheckpoint;
}

/** Decides whether the partition needs cleaning now and what range; null if not. */
export function planCleaning(log: PartitionLog, checkpoint: CleanerCheckpoint, now: number): CleaningPlan | null {
  const config = log.config;
  if (!config.cleanupPolicy.compact) return null;
  let firstUncleanable = Math.min(log.activeSegment.baseOffset, log.lastStableOffset);
  if (config.minCompactionLagMs > 0) {
    const young = log.segments.find((s) => s.maxTimestamp > now - config.minCompactionLagMs);
    if (young) firstUncleanable = Math.min(firstUncleanable, young.baseOffset);
  }
  // Whole segments only: those that end at or before the first uncleanable offset.
  let segmentCount = 0;
  while (segmentCount < log.segments.length - 1 && log.segments[segmentCount + 1]!.baseOffset <= firstUncleanable)
    segmentCount += 1;
  if (segmentCount === 0) return null;
  const dirtyEnd = log.segments[segmentCount]!.baseOffset;
  const firstDirtyOffset = Math.max(checkpoint.firstDirtyOffset, log.logStartOffset);
  let cleanBytes = 0;
  let dirtyBytes = 0;
  let oldestDirtyTimestamp = Infinity;
  for (let s = 0; s < segmentCount; s++) {
    const segment = log.segments[s]!;
    const next = log.segments[s + 1]!.baseOffset;
    if (next <= firstDirtyOffset) {
      cleanBytes += segment.size;
    } else {
      dirtyBytes += segment.size;
      const first = segment.entries[0];
      if (first) oldestDirtyTimestamp = Math.min(oldestDirtyTimestamp, first.maxTimestamp);
    }
  }
  const total = cleanBytes + dirtyBytes;
  const dirtyRatio = total === 0 ? 0 : dirtyBytes / total;
  const due =
    (dirtyBytes > 0 && dirtyRatio >= config.minCleanableDirtyRatio) ||
    (dirtyBytes > 0 && oldestDirtyTimestamp < now - config.maxCompactionLagMs) ||
    checkpoint.nextDeleteHorizon <= now;
  if (!due) return null;
  return { segmentCount, firstDirtyOffset, dirtyEnd, dirtyRatio };
}

/** Aborted transactions of the whole log, by producer (the cleaner drops their data). */
function abortedRanges(log: PartitionLog): Map<number, AbortedTxn[]> {
  const out = new Map<number, AbortedTxn[]>();
  for (const segment of log.segments) {
    for (const txn of segment.abortedTxns) {
      let list = out.get(txn.producerId);
      if (!list) out.set(txn.producerId, (list = []));
      list.push(txn);
    }
  }
  return out;
}

function isAborted(entry: BatchEntry, aborted: Map<number, AbortedTxn[]>): boolean {
  if (!isTransactional(entry.attributes) || isControl(entry.attributes)) return false;
  const ranges = aborted.get(entry.producerId);
  return (
    ranges !== undefined && ranges.some((t) => entry.baseOffset >= t.firstOffset && entry.baseOffset <= t.lastOffset)
  );
}

function keyOf(key: Buffer): string {
  return key.toString("latin1");
}

/** Newest offset of every key in [from, to), ignoring aborted data and unreadable codecs. */
function buildOffsetMap(
  log: PartitionLog,
  from: number,
  to: number,
  aborted: Map<number, AbortedTxn[]>,
): Map<string, number> {
  const map = new Map<string, number>();
  for (let s = log.segmentIndexFor(from); s < log.segments.length; s++) {
    const segment = log.segments[s]!;
    if (segment.baseOffset >= to) break;
    for (let i = segment.indexOfOffset(from); i < segment.entries.length; i++) {
      const entry = segment.entries[i]!;
      if (entry.baseOffset >= to) break;
      if (isControl(entry.attributes) || isAborted(entry, aborted)) continue;
      const batch = segment.readBatch(i);
      const spans = readRecordSpans(batch, readBatchHeader(batch), storedDecompressionLimit(log.config));
      if (spans === null) continue;
      for (const record of spans) {
        if (record.key !== null && record.offset >= from && record.offset < to)
          map.set(keyOf(record.key), record.offset);
      }
    }
  }
  return map;
}

/** The transactions seen during one pass, to decide which markers may go (Kafka's CleanedTransactionMetadata). */
class TransactionTracker {
  /** Producers with data of their current transaction seen in this pass, kept or dropped. */
  private readonly withData = new Set<number>();

  onDataBatch(entry: BatchEntry): void {
    if (isTransactional(entry.attributes)) this.withData.add(entry.producerId);
  }

  /** A marker may only go once no data of its transaction came before it in this pass. */
  onMarker(entry: BatchEntry): boolean {
    const hadData = this.withData.delete(entry.producerId);
    return !hadData;
  }
}

/** Cleans the partition as planned; returns what changed. */
export function cleanLog(log: PartitionLog, plan: CleaningPlan, now: number): CleaningResult {
  const config = log.config;
  const aborted = abortedRanges(log);
  const offsetMap = buildOffsetMap(log, plan.firstDirtyOffset, plan.dirtyEnd, aborted);
  const tracker = new TransactionTracker();
  const newHorizon = now + config.deleteRetentionMs;
  let nextDeleteHorizon = Infinity;
  let recordsRemoved = 0;
  const sources = log.segments.slice(0, plan.segmentCount);
  const bytesBefore = sources.reduce((sum, s) => sum + s.size, 0);
  const cleaned: LogSegment[] = [];

  // Groups of consecutive segments whose sizes add up to at most segment.bytes.
  const groups: LogSegment[][] = [];
  for (const segment of sources) {
    const group = groups[groups.length - 1];
    const groupSize = group ? group.reduce((sum, s) => sum + s.size, 0) : Infinity;
    if (group && groupSize + segment.size <= config.segmentBytes) group.push(segment);
    else groups.push([segment]);
  }

  try {
    for (const group of groups) {
      const first = group[0]!;
      const output = new LogSegment(first.baseOffset, log.storage.createCleaned(first.baseOffset), first.createdAt);
      cleaned.push(output);
      /**
       * Appends a batch as it was (header null) or rewritten (its new header). Only a rewritten
       * batch's memory is its own: an unchanged one is copied, so the cleaned segment does not
       * pin the old segment's memory.
       */
      const keep = (batch: Buffer, entry: BatchEntry, header: BatchHeader | null) => {
        output.append(
          batch,
          {
            baseOffset: entry.baseOffset,
            lastOffset: header ? header.baseOffset + header.lastOffsetDelta : entry.lastOffset,
            size: batch.length,
            maxTimestamp: header ? header.maxTimestamp : entry.maxTimestamp,
            producerId: entry.producerId,
            producerEpoch: entry.producerEpoch,
            baseSequence: entry.baseSequence,
            attributes: header ? header.attributes : entry.attributes,
            recordCount: header ? header.recordCount : entry.recordCount,
            controlType: entry.controlType,
          },
          header !== null,
        );
      };
      for (const segment of group) {
        for (let i = 0; i < segment.entries.length; i++) {
          const entry = segment.entries[i]!;
          if (entry.lastOffset < log.logStartOffset) {
            recordsRemoved += entry.recordCount;
            continue;
          }
          if (isControl(entry.attributes)) {
            const removable = tracker.onMarker(entry);
            const batch = segment.readBatch(i);
            const header = readBatchHeader(batch);
            const horizon = deleteHorizonOf(header);
            if (removable && horizon !== null && horizon <= now) {
              recordsRemoved += entry.recordCount;
              continue;
            }
            if (removable && horizon === null) {
              const spans = readRecordSpans(batch, header, storedDecompressionLimit(log.config));
              if (spans !== null && spans.length > 0) {
                const rewritten = rewriteBatch(header, spans, newHorizon);
                keep(rewritten, entry, readBatchHeader(rewritten));
                nextDeleteHorizon = Math.min(nextDeleteHorizon, newHorizon);
                continue;
              }
            }
            if (removable && horizon !== null) nextDeleteHorizon = Math.min(nextDeleteHorizon, horizon);
            keep(batch, entry, null);
            continue;
          }
          tracker.onDataBatch(entry);
          if (isAborted(entry, aborted)) {
            recordsRemoved += entry.recordCount;
            continue;
          }
          const batch = segment.readBatch(i);
          const header = readBatchHeader(batch);
          const spans = readRecordSpans(batch, header, storedDecompressionLimit(log.config));
          if (spans === null) {
            keep(batch, entry, null);
            continue;
          }
          const horizon = deleteHorizonOf(header);
          let hasTombstone = false;
          const kept = spans.filter((record: RecordSpan) => {
            if (record.key === null || record.offset < log.logStartOffset) return false;
            const newest = offsetMap.get(keyOf(record.key));
            if (newest !== undefined && record.offset < newest) return false;
            if (record.tombstone) {
              if (horizon !== null && horizon <= now) return false;
              hasTombstone = true;
            }
            return true;
          });
          recordsRemoved += spans.length - kept.length;
          if (kept.length === 0) continue;
          const stampHorizon = hasTombstone && horizon === null;
          if (hasTombstone) nextDeleteHorizon = Math.min(nextDeleteHorizon, horizon ?? newHorizon);
          if (kept.length === spans.length && !stampHorizon) {
            keep(batch, entry, null);
            continue;
          }
          const rewritten = rewriteBatch(header, kept, stampHorizon ? newHorizon : null);
          keep(rewritten, entry, readBatchHeader(rewritten));
        }
      }
      output.storage.seal();
    }
  } catch (error) {
    // Nothing replaced yet: drop the partial copies and leave the log as it was.
    for (const segment of cleaned) segment.storage.delete();
    throw error;
  }

  log.replaceSegments(0, plan.segmentCount, cleaned);
  return {
    segmentsBefore: sources.length,
    segmentsAfter: cleaned.length,
    bytesBefore,
    bytesAfter: cleaned.reduce((sum, s) => sum + s.size, 0),
    recordsRemoved,
    checkpoint: { firstDirtyOffset: plan.dirtyEnd, nextDeleteHorizon },
  };
}
