// Loading one partition directory at startup, as Kafka's log recovery does:
//  1. finish or undo a cleaner pass caught by a crash (.swap completes, .cleaned is dropped);
//  2. scan every segment's batch headers to rebuild the batch index (reading the files in
//     large chunks and skipping over batch bodies);
//  3. after an unclean shutdown, check the CRC of every batch from the newest producer
//     snapshot on (the recovery point: what was written since the last roll may not have
//     been flushed): the first batch there that is incomplete (a torn tail), malformed or
//     fails its CRC ends the log, the segment is truncated and any later segment deleted, as
//     Kafka's LogLoader does with the unflushed segments; a warning for a torn tail, an error
//     when valid batches followed;
//  4. anywhere else (the flushed part, or any part after a clean shutdown) damage is never a
//     reason to drop anything: the scan skips to the next valid batch, the damaged bytes stay
//     in the file, and the error names the file, the position and the offsets it hides;
//  5. keep the aborted-transaction index entries older than the snapshot; PartitionLog
//     replays the batches after it through producer state, which rebuilds the rest.
// After a clean shutdown the snapshot sits at the log end offset, so nothing is replayed and
// no CRC is computed.
import {
  closeSync,
  existsSync,
  fstatSync,
  ftruncateSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  unlinkSync,
} from "node:fs";
import { join } from "node:path";
import type { Logger } from "pino";
import type { CleanerCheckpoint } from "../log/log-cleaner.js";
import { LogSegment, type AbortedTxn } from "../log/log-segment.js";
import type { RecoveredLog } from "../log/partition-log.js";
import { decodeAbortedTxns, TXN_INDEX_ENTRY_BYTES } from "./file-segment-storage.js";
import { scanSegment, type DamagedSpan, type ScannedSegment } from "./segment-scan.js";
import { decodeSnapshot, FilePartitionStorage, offsetName, type ProducerSnapshot } from "./file-partition-storage.js";

const SEGMENT = /^(\d{20})\.log$/;
const SNAPSHOT = /^(\d{20})\.snapshot$/;
const SWAP = /^(\d{20})\.(\d{20})\.swap$/;

export interface LoadedPartition {
  storage: FilePartitionStorage;
  log: RecoveredLog;
  /** Bytes cut off a torn or corrupt tail. */
  truncatedBytes: number;
}

function removeIfExists(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}

/** Completes a committed cleaner swap, drops an uncommitted one and stray temporary files. */
function settleCleanerFiles(dir: string): void {
  const files = readdirSync(dir);
  const segments = files
    .map((f) => SEGMENT.exec(f))
    .filter((m) => m !== null)
    .map((m) => Number(m[1]));
  for (const file of files) {
    const swap = SWAP.exec(file);
    if (!swap) continue;
    const base = Number(swap[1]);
    const next = Number(swap[2]);
    for (const segment of segments) {
      if (segment >= base && segment < next) {
        removeIfExists(join(dir, `${offsetName(segment)}.log`));
        removeIfExists(join(dir, `${offsetName(segment)}.txnindex`));
      }
    }
    const stem = join(dir, `${swap[1]}.${swap[2]}`);
    if (existsSync(`${stem}.txnswap`)) renameSync(`${stem}.txnswap`, join(dir, `${swap[1]}.txnindex`));
    renameSync(`${stem}.swap`, join(dir, `${swap[1]}.log`));
  }
  for (const file of readdirSync(dir)) {
    if (file.endsWith(".cleaned") || file.endsWith(".txnswap") || file.endsWith(".tmp"))
      removeIfExists(join(dir, file));
  }
}

function readNumberFile(path: string): number | null {
  if (!existsSync(path)) return null;
  const value = Number(readFileSync(path, "utf8").trim());
  return Number.isSafeInteger(value) && value >= 0 ? value : null;
}

function readCleanerCheckpoint(path: string, fallback: number): CleanerCheckpoint {
  if (existsSync(path)) {
    try {
      const parsed = JSON.parse(readFileSync(path, "utf8")) as {
        firstDirtyOffset: number;
        nextDeleteHorizon: number | null;
      };
      if (Number.isSafeInteger(parsed.firstDirtyOffset)) {
        return { firstDirtyOffset: parsed.firstDirtyOffset, nextDeleteHorizon: parsed.nextDeleteHorizon ?? Infinity };
      }
    } catch {
      // A damaged checkpoint only means the cleaner starts over.
    }
  }
  return { firstDirtyOffset: fallback, nextDeleteHorizon: Infinity };
}

/** The newest snapshot that decodes, at or below `limit`; undecodable ones are deleted. */
function latestSnapshot(dir: string, offsets: number[], limit: number): ProducerSnapshot | null {
  for (const offset of [...offsets].sort((a, b) => b - a)) {
    if (offset > limit) continue;
    const path = join(dir, `${offsetName(offset)}.snapshot`);
    const snapshot = decodeSnapshot(readFileSync(path));
    if (snapshot && snapshot.offset === offset) return snapshot;
    removeIfExists(path);
  }
  return null;
}

export function loadPartition(
  dir: string,
  options: { cleanShutdown: boolean; now: number; logger: Logger; removeDir: (dir: string) => void },
): LoadedPartition {
  settleCleanerFiles(dir);
  const files = readdirSync(dir);
  const segmentBases = files
    .map((f) => SEGMENT.exec(f))
    .filter((m) => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
  let snapshotOffsets = files
    .map((f) => SNAPSHOT.exec(f))
    .filter((m) => m !== null)
    .map((m) => Number(m[1]));
  const checkpointStart = readNumberFile(join(dir, "log-start-offset"));
  const newest = latestSnapshot(dir, snapshotOffsets, Number.MAX_SAFE_INTEGER);
  const checkCrcFrom = options.cleanShutdown ? Number.MAX_SAFE_INTEGER : (newest?.offset ?? 0);

  const scanned: { base: number; segment: ScannedSegment; keptBytes: number }[] = [];
  let truncatedBytes = 0;
  for (let i = 0; i < segmentBases.length; i++) {
    const base = segmentBases[i]!;
    const logPath = join(dir, `${offsetName(base)}.log`);
    const segment = scanSegment(logPath, base, checkCrcFrom);
    for (const span of segment.skipped) reportSkipped(options.logger, dir, base, span);
    if (segment.stoppedAt === null) {
      scanned.push({ base, segment, keptBytes: segment.fileBytes });
      continue;
    }
    // Damage in the unflushed tail after a crash: the log ends before it, as Kafka's recovery
    // ends it; later segments are deleted.
    const cut = segment.stoppedAt.position;
    scanned.push({ base, segment, keptBytes: cut });
    truncatedBytes += segment.fileBytes - cut;
    const fd = openSync(logPath, "r+");
    ftruncateSync(fd, cut);
    closeSync(fd);
    const later = segmentBases.slice(i + 1);
    for (const next of later) {
      truncatedBytes += fileSize(join(dir, `${offsetName(next)}.log`));
      removeIfExists(join(dir, `${offsetName(next)}.log`));
      removeIfExists(join(dir, `${offsetName(next)}.txnindex`));
    }
    const { reason, fromOffset, resumesAt } = segment.stoppedAt;
    const details = { dir, segment: base, position: cut, droppedBytes: truncatedBytes, fromOffset, reason };
    if (resumesAt === null && later.length === 0) {
      options.logger.warn(details, "log recovery cut the torn tail left by a crash");
    } else {
      options.logger.error(
        { ...details, laterSegments: later.length },
        "log recovery found a damaged batch in the part of the log written since the last flush, and ended the log there as Kafka does: the records after it are dropped",
      );
    }
    break;
  }

  const nextOffsetOf = (s: { base: number; segment: ScannedSegment }) => {
    const last = s.segment.entries[s.segment.entries.length - 1];
    return last ? last.lastOffset + 1 : s.base;
  };
  const logEnd = scanned.length > 0 ? nextOffsetOf(scanned[scanned.length - 1]!) : (checkpointStart ?? 0);
  const snapshot = newest && newest.offset <= logEnd ? newest : latestSnapshot(dir, snapshotOffsets, logEnd);
  for (const offset of snapshotOffsets) {
    if (offset > logEnd) removeIfExists(join(dir, `${offsetName(offset)}.snapshot`));
  }
  snapshotOffsets = snapshotOffsets.filter((o) => o <= logEnd);
  const firstBase = scanned[0]?.base ?? checkpointStart ?? 0;
  const snapshotOffset = Math.max(snapshot?.offset ?? firstBase, firstBase);

  // Segments with their storage and the aborted-transaction entries older than the snapshot
  // (the replay adds the newer ones back, so a torn index tail cannot survive).
  const storage = new FilePartitionStorage(dir, snapshotOffsets, options.removeDir);
  const segments = scanned.map(({ base, segment, keptBytes }) => {
    const indexPath = join(dir, `${offsetName(base)}.txnindex`);
    const indexBytes = existsSync(indexPath) ? readFileSync(indexPath) : Buffer.alloc(0);
    const all = decodeAbortedTxns(indexBytes);
    const kept: AbortedTxn[] = all.filter((txn) => txn.lastOffset < snapshotOffset && txn.lastOffset < logEnd);
    if (!existsSync(indexPath) || indexBytes.length !== kept.length * TXN_INDEX_ENTRY_BYTES) {
      const fd = openSync(indexPath, existsSync(indexPath) ? "r+" : "w+");
      ftruncateSync(fd, kept.length * TXN_INDEX_ENTRY_BYTES);
      closeSync(fd);
    }
    const fileStorage = storage.openExisting(base, keptBytes, kept.length);
    return new LogSegment(base, fileStorage, options.now, segment.entries, kept);
  });
  if (segments.length === 0) segments.push(new LogSegment(firstBase, storage.create(firstBase), options.now));
  const logStartOffset = Math.min(
    Math.max(checkpointStart ?? firstBase, firstBase),
    segments[segments.length - 1]!.nextOffset,
  );
  return {
    storage,
    truncatedBytes,
    log: {
      segments,
      logStartOffset,
      producers: snapshot?.producers ?? [],
      snapshotOffset,
      cleanerCheckpoint: readCleanerCheckpoint(join(dir, "cleaner-checkpoint"), logStartOffset),
    },
  };
}

/** Damage the scan skipped over: the bytes stay on disk, the records around them are served. */
function reportSkipped(logger: Logger, dir: string, segment: number, span: DamagedSpan): void {
  logger.error(
    {
      dir,
      segment,
      position: span.position,
      bytes: span.bytes,
      reason: span.reason,
      unreadableOffsets: span.resumesAt === null ? `${span.fromOffset}-` : `${span.fromOffset}-${span.resumesAt - 1}`,
    },
    span.resumesAt === null
      ? "a damaged batch ends this log segment: its bytes are kept on disk, unread; the records before it are served"
      : "a damaged batch in the middle of the log: its bytes are kept on disk, unread; the records before and after it are served",
  );
}

function fileSize(path: string): number {
  try {
    const fd = openSync(path, "r");
    try {
      return fstatSync(fd).size;
    } finally {
      closeSync(fd);
    }
  } catch {
    return 0;
  }
}
