// An append-only journal of JSON records, where the data directory keeps what Kafka keeps in
// its internal topics (topics, __consumer_offsets, __transaction_state). Each record is
// framed as  uint32 length | uint32 CRC-32C of the payload | payload (UTF-8 JSON)  and
// written with one write() before the change is acknowledged: the OS page cache survives a
// kill -9 of the broker. Opening replays the records. Appends are sequential, so a crash can
// only leave a torn tail: after an unclean shutdown, a last frame that is incomplete, fails
// its CRC or does not parse, with no valid frame after it, is cut off (with a warning). Any
// other bad frame is damage, not a crash: a bad frame followed by valid ones, or any bad frame
// after a clean shutdown (which fsynced the file) stops the start with DataDirCorruptError
// naming the file and the byte, rather than start without what the journal records. When the file has grown to
// several times what its owner still needs, it is rewritten from the owner's live records
// (written to a temporary file, fsynced, renamed over the old one).
import {
  closeSync,
  existsSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from "node:fs";
import { crc32c } from "../../bytes/crc32c.js";
import { DataDirCorruptError } from "../errors.js";

const FRAME_HEADER = 8;
/** Rewrite once the journal holds this many times the live records (and at least MIN_REWRITE records). */
const GROWTH_FACTOR = 4;
const MIN_REWRITE = 10_000;

function frame(record: unknown): Buffer {
  const payload = Buffer.from(JSON.stringify(record), "utf8");
  const out = Buffer.allocUnsafe(FRAME_HEADER + payload.length);
  out.writeUInt32BE(payload.length, 0);
  out.writeUInt32BE(crc32c(payload), 4);
  payload.copy(out, FRAME_HEADER);
  return out;
}

/** The frame at `at` and where it ends, or what is wrong with it. */
function readFrame(bytes: Buffer, at: number): { record: unknown; end: number } | string {
  if (at + FRAME_HEADER > bytes.length) return "is cut short";
  const end = at + FRAME_HEADER + bytes.readUInt32BE(at);
  if (end > bytes.length) return "is cut short";
  const payload = bytes.subarray(at + FRAME_HEADER, end);
  if (crc32c(payload) !== bytes.readUInt32BE(at + 4)) return "fails its CRC";
  try {
    return { record: JSON.parse(payload.toString("utf8")), end };
  } catch {
    return "does not parse";
  }
}

/** The first position from `from` on where a whole, valid frame starts, or null. */
function nextValidFrame(bytes: Buffer, from: number): number | null {
  for (let at = from; at + FRAME_HEADER <= bytes.length; at++) {
    const length = bytes.readUInt32BE(at);
    if (length === 0 || at + FRAME_HEADER + length > bytes.length) continue;
    if (typeof readFrame(bytes, at) !== "string") return at;
  }
  return null;
}

function writeFully(fd: number, bytes: Buffer, position: number): void {
  let written = 0;
  while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written, position + written);
}

export class Journal<R> {
  private fd: number;
  private size: number;
  private recordsWritten: number;
  private liveAtRewrite: number;

  private constructor(
    readonly path: string,
    /** The records that recreate the owner's current state, for rewriting. */
    private readonly live: () => Iterable<R>,
    records: number,
    size: number,
  ) {
    this.fd = openSync(path, "r+");
    this.size = size;
    this.recordsWritten = records;
    this.liveAtRewrite = records;
  }

  /**
   * Opens (or creates) the journal and returns its records in write order. A torn tail left by
   * a crash is cut (`truncatedBytes`); damage anywhere else throws DataDirCorruptError.
   */
  static open<R>(
    path: string,
    live: () => Iterable<R>,
    options: { cleanShutdown: boolean },
  ): { journal: Journal<R>; records: R[]; truncatedBytes: number } {
    const bytes = existsSync(path) ? readFileSync(path) : Buffer.alloc(0);
    const records: R[] = [];
    let at = 0;
    let problem: string | null = null;
    while (at < bytes.length) {
      const frame = readFrame(bytes, at);
      if (typeof frame === "string") {
        problem = frame;
        break;
      }
      records.push(frame.record as R);
      at = frame.end;
    }
    if (problem !== null) {
      const resumes = nextValidFrame(bytes, at + 1);
      if (resumes !== null || options.cleanShutdown) {
        const where = `record ${records.length + 1} at byte ${at} of ${bytes.length} ${problem}`;
        throw new DataDirCorruptError(
          path,
          resumes !== null
            ? `${where}, and a valid record follows at byte ${resumes}, so this is not a write torn by a crash`
            : `${where}, after a clean shutdown that had flushed it`,
          "The broker does not start without what this journal records: restore the file from a backup, or move the data directory aside to start empty.",
        );
      }
    }
    if (!existsSync(path)) closeSync(openSync(path, "w"));
    if (at < bytes.length) {
      const fd = openSync(path, "r+");
      ftruncateSync(fd, at);
      closeSync(fd);
    }
    return { journal: new Journal(path, live, records.length, at), records, truncatedBytes: bytes.length - at };
  }

  append(record: R): void {
    const bytes = frame(record);
    writeFully(this.fd, bytes, this.size);
    this.size += bytes.length;
    this.recordsWritten += 1;
    if (this.recordsWritten >= Math.max(MIN_REWRITE, GROWTH_FACTOR * this.liveAtRewrite)) this.rewrite();
  }

  /** Replaces the file with the owner's live records. */
  rewrite(): void {
    const frames: Buffer[] = [];
    for (const record of this.live()) frames.push(frame(record));
    const bytes = Buffer.concat(frames);
    const temporary = `${this.path}.tmp`;
    const fd = openSync(temporary, "w");
    try {
      writeFully(fd, bytes, 0);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, this.path);
    closeSync(this.fd);
    this.fd = openSync(this.path, "r+");
    this.size = bytes.length;
    this.recordsWritten = frames.length;
    this.liveAtRewrite = frames.length;
  }

  get bytes(): number {
    return this.size;
  }

  /** fsync and close (shutdown); the descriptor is released even if the fsync fails. */
  close(): void {
    try {
      fsyncSync(this.fd);
    } finally {
      closeSync(this.fd);
    }
  }

  /** Releases the descriptor without flushing (a start that failed). */
  closeQuietly(): void {
    try {
      closeSync(this.fd);
    } catch {
      // Already closed: nothing held.
    }
  }
}
