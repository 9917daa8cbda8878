// An append-only journal of JSON records, where the data directory keeps what Kafka keeps in
// its internal topics (topics, __consumer_offsets, __transaction_state). Each record is
// framed as  uint32 length | uint32 CRC-32C of the payload | payload (UTF-8 JSON)  and
// written with one write() before the change is acknowledged: the OS page cache survives a
// kill -9 of the broker. Opening replays the records and cuts the file at the first frame
// that is incomplete or fails its CRC (the torn tail of a crash). When the file has grown to
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
    private readonly path: string,
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

  /** Opens (or creates) the journal and returns its valid records in write order. */
  static open<R>(path: string, live: () => Iterable<R>): { journal: Journal<R>; records: R[]; truncatedBytes: number } {
    const bytes = existsSync(path) ? readFileSync(path) : Buffer.alloc(0);
    const records: R[] = [];
    let at = 0;
    while (at + FRAME_HEADER <= bytes.length) {
      const length = bytes.readUInt32BE(at);
      const end = at + FRAME_HEADER + length;
      if (end > bytes.length) break;
      const payload = bytes.subarray(at + FRAME_HEADER, end);
      if (crc32c(payload) !== bytes.readUInt32BE(at + 4)) break;
      try {
        records.push(JSON.parse(payload.toString("utf8")) as R);
      } catch {
        break;
      }
      at = end;
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

  /** fsync and close (clean shutdown). */
  close(): void {
    fsyncSync(this.fd);
    closeSync(this.fd);
  }
}
