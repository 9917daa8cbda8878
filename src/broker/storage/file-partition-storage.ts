// One partition's directory, `<topic>-<partition>/` as in Kafka's log dirs:
//   partition.metadata                  the topic id (Kafka's format), so a directory left by a
//                                       deleted topic of the same name is never taken for it
//   <base>.log, <base>.txnindex         segments (file-segment-storage.ts)
//   <offset>.snapshot                   producer state as of that offset, taken when a segment
//                                       rolls and at shutdown; recovery replays from the latest
//   log-start-offset, cleaner-checkpoint
//   <base>.log.cleaned, <base>.<next>.swap, <base>.<next>.txnswap   a cleaner pass in progress
//
// The cleaner's swap is crash-safe: the cleaned file is fsynced and renamed to .swap (the
// commit point), then the segments it replaces are deleted and the .swap renamed to .log. A
// restart completes a .swap it finds and deletes a .cleaned one (partition-loader.ts).
import { renameSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import type { CleanerCheckpoint } from "../log/log-cleaner.js";
import type { ProducerSnapshotEntry } from "../log/producer-state.js";
import type { PartitionStorage, SegmentStorage } from "../log/segment-storage.js";
import { crc32c } from "../../bytes/crc32c.js";
import { writeFileAtomically } from "./atomic-file.js";
import { FileSegmentStorage } from "./file-segment-storage.js";

/** Producer snapshots kept besides the newest (Kafka keeps one per segment; only the newest is read). */
const SNAPSHOTS_KEPT = 2;

export function offsetName(offset: number): string {
  return String(offset).padStart(20, "0");
}

export interface ProducerSnapshot {
  offset: number;
  producers: ProducerSnapshotEntry[];
}

/** `<crc32c hex>\n<json>`: a snapshot that fails its CRC is ignored (recovery replays more). */
export function encodeSnapshot(snapshot: ProducerSnapshot): Buffer {
  const json = Buffer.from(JSON.stringify({ version: 1, ...snapshot }), "utf8");
  return Buffer.concat([Buffer.from(`${crc32c(json).toString(16)}\n`), json]);
}

export function decodeSnapshot(bytes: Buffer): ProducerSnapshot | null {
  const newline = bytes.indexOf(10);
  if (newline < 0) return null;
  const json = bytes.subarray(newline + 1);
  if (parseInt(bytes.subarray(0, newline).toString(), 16) !== crc32c(json)) return null;
  try {
    const parsed = JSON.parse(json.toString("utf8")) as { version: number } & ProducerSnapshot;
    return parsed.version === 1 ? { offset: parsed.offset, producers: parsed.producers } : null;
  } catch {
    return null;
  }
}

export class FilePartitionStorage implements PartitionStorage {
  readonly persistent = true;
  private readonly openSegments = new Set<FileSegmentStorage>();
  private readonly snapshots: number[];

  constructor(
    readonly dir: string,
    /** Offsets of the snapshot files present, any order. */
    snapshotOffsets: readonly number[],
    /** Removes the directory once the partition is deleted (partition-dirs.ts's way: marked, metadata last). */
    private readonly removeDir: (dir: string) => void,
  ) {
    this.snapshots = [...snapshotOffsets].sort((a, b) => a - b);
  }

  private readonly forget = (storage: FileSegmentStorage) => this.openSegments.delete(storage);

  private track(storage: FileSegmentStorage): FileSegmentStorage {
    this.openSegments.add(storage);
    return storage;
  }

  create(baseOffset: number): SegmentStorage {
    const name = offsetName(baseOffset);
    return this.track(
      new FileSegmentStorage(
        join(this.dir, `${name}.log`),
        join(this.dir, `${name}.txnindex`),
        { fresh: true },
        this.forget,
      ),
    );
  }

  /** A segment found on disk by the loader. */
  openExisting(baseOffset: number, size: number, txnEntries: number): FileSegmentStorage {
    const name = offsetName(baseOffset);
    return this.track(
      new FileSegmentStorage(
        join(this.dir, `${name}.log`),
        join(this.dir, `${name}.txnindex`),
        { fresh: false, size, txnEntries },
        this.forget,
      ),
    );
  }

  createCleaned(baseOffset: number): SegmentStorage {
    const name = offsetName(baseOffset);
    return this.track(
      new FileSegmentStorage(
        join(this.dir, `${name}.log.cleaned`),
        join(this.dir, `${name}.txnindex.cleaned`),
        { fresh: true },
        this.forget,
      ),
    );
  }

  swapCleaned(
    cleaned: readonly { baseOffset: number; nextOffset: number; storage: SegmentStorage }[],
    replaced: readonly SegmentStorage[],
  ): void {
    const swaps = cleaned.map(({ baseOffset, nextOffset, storage }) => {
      const file = storage as FileSegmentStorage;
      file.flush();
      const stem = join(this.dir, `${offsetName(baseOffset)}.${offsetName(nextOffset)}`);
      renameSync(file.txnIndexPath, `${stem}.txnswap`);
      renameSync(file.logPath, `${stem}.swap`);
      file.txnIndexPath = `${stem}.txnswap`;
      file.logPath = `${stem}.swap`;
      return { file, name: offsetName(baseOffset) };
    });
    for (const storage of replaced) storage.delete();
    for (const { file, name } of swaps) {
      const log = join(this.dir, `${name}.log`);
      const index = join(this.dir, `${name}.txnindex`);
      renameSync(file.txnIndexPath, index);
      renameSync(file.logPath, log);
      file.txnIndexPath = index;
      file.logPath = log;
    }
  }

  writeProducerSnapshot(offset: number, producers: readonly ProducerSnapshotEntry[]): void {
    writeFileAtomically(
      join(this.dir, `${offsetName(offset)}.snapshot`),
      encodeSnapshot({ offset, producers: [...producers] }),
    );
    if (!this.snapshots.includes(offset)) this.snapshots.push(offset);
    this.snapshots.sort((a, b) => a - b);
    while (this.snapshots.length > SNAPSHOTS_KEPT) {
      const old = this.snapshots.shift()!;
      try {
        unlinkSync(join(this.dir, `${offsetName(old)}.snapshot`));
      } catch {
        // Already gone: nothing to do.
      }
    }
  }

  logStartOffsetChanged(offset: number): void {
    writeFileAtomically(join(this.dir, "log-start-offset"), `${offset}\n`);
  }

  cleanerCheckpointChanged(checkpoint: CleanerCheckpoint): void {
    const horizon = Number.isFinite(checkpoint.nextDeleteHorizon) ? checkpoint.nextDeleteHorizon : null;
    writeFileAtomically(
      join(this.dir, "cleaner-checkpoint"),
      JSON.stringify({ firstDirtyOffset: checkpoint.firstDirtyOffset, nextDeleteHorizon: horizon }),
    );
  }

  close(): void {
    for (const storage of [...this.openSegments]) storage.close();
  }

  destroy(): void {
    this.close();
    this.removeDir(this.dir);
  }
}
