// In-memory segment bytes, as a run of pieces laid end to end in the segment's position
// space. A large batch whose memory is its own (a Produce frame assembled from several
// socket reads) is adopted by reference: no copy and no fresh pages to fault in, which is
// most of what storing costs. Other batches are copied into an arena, so a small batch
// never pins the socket chunk it arrived in. Arenas start small
// (a test topic with a dozen partitions costs kilobytes) and double up to 1 MiB. An adopted
// batch ends the arena before it; the arena's unused rest becomes the next arena, so
// alternating large and small batches (a transaction's data and its marker) do not allocate
// an arena each. A read of consecutive batches returns one slice per piece touched, ready
// for a single writev.
import type { PartitionStorage, SegmentStorage } from "./segment-storage.js";

const FIRST_ARENA = 16 * 1024;
const MAX_ARENA = 1 << 20;
/** Smaller batches are copied even when retainable: a Fetch should not become thousands of tiny buffers. */
const ADOPT_MIN_BYTES = 4096;
/** The rest of an arena ended by an adopted batch is used for the next small batches if at least this large. */
const SPARE_MIN_BYTES = 1024;

export class MemorySegmentStorage implements SegmentStorage {
  /** Adopted batches and arenas, in position order. */
  private readonly pieces: Buffer[] = [];
  /** Segment position of each piece's first byte; a piece ends where the next one starts. */
  private readonly starts: number[] = [];
  /** The last piece is an arena still taking appends. */
  private arenaOpen = false;
  /** The unused end of the last arena, when an adopted batch closed it. */
  private spare: Buffer | null = null;
  private lastArenaSize = FIRST_ARENA / 2;
  private length = 0;

  get size(): number {
    return this.length;
  }

  append(batch: Buffer, retainable: boolean): void {
    if (retainable && batch.length >= ADOPT_MIN_BYTES) {
      if (this.arenaOpen) {
        const arena = this.pieces[this.pieces.length - 1]!;
        const used = this.length - this.starts[this.starts.length - 1]!;
        this.spare = arena.length - used >= SPARE_MIN_BYTES ? arena.subarray(used) : null;
        this.pieces[this.pieces.length - 1] = arena.subarray(0, used);
      }
      this.pieces.push(batch);
      this.starts.push(this.length);
      this.length += batch.length;
      this.arenaOpen = false;
      return;
    }
    let copied = 0;
    while (copied < batch.length) {
      let arena = this.arenaOpen ? this.pieces[this.pieces.length - 1]! : undefined;
      let within = arena ? this.length - this.starts[this.starts.length - 1]! : 0;
      if (!arena || within === arena.length) {
        if (this.spare) {
          arena = this.spare;
          this.spare = null;
        } else {
          this.lastArenaSize = Math.min(this.lastArenaSize * 2, MAX_ARENA);
          arena = Buffer.allocUnsafeSlow(this.lastArenaSize);
        }
        this.pieces.push(arena);
        this.starts.push(this.length);
        this.arenaOpen = true;
        within = 0;
      }
      const n = Math.min(arena.length - within, batch.length - copied);
      batch.copy(arena, within, copied, copied + n);
      copied += n;
      this.length += n;
    }
  }

  private pieceAt(position: number): number {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >>> 1;
      if (this.starts[mid]! <= position) low = mid;
      else high = mid - 1;
    }
    return low;
  }

  private pieceEnd(index: number): number {
    return index + 1 < this.starts.length ? this.starts[index + 1]! : this.length;
  }

  read(position: number, length: number): Buffer[] {
    const out: Buffer[] = [];
    const end = Math.min(position + length, this.length);
    let at = position;
    let index = this.pieceAt(at);
    while (at < end) {
      const start = this.starts[index]!;
      const stop = Math.min(this.pieceEnd(index), end);
      out.push(this.pieces[index]!.subarray(at - start, stop - start));
      at = stop;
      index += 1;
    }
    return out;
  }

  flush(): void {}

  seal(): void {}

  appendAbortedTxn(): void {}

  truncate(size: number): void {
    if (size >= this.length) return;
    this.spare = null;
    while (this.starts.length > 0 && this.starts[this.starts.length - 1]! >= size) {
      this.starts.pop();
      this.pieces.pop();
      this.arenaOpen = false;
    }
    this.length = size;
    if (
      this.pieces.length > 0 &&
      this.pieces[this.pieces.length - 1]!.length > size - this.starts[this.starts.length - 1]!
    ) {
      // The cut piece keeps its memory; appends continue in a fresh arena.
      const last = this.pieces.length - 1;
      this.pieces[last] = this.pieces[last]!.subarray(0, size - this.starts[last]!);
      this.arenaOpen = false;
    }
  }

  delete(): void {
    this.spare = null;
    this.pieces.length = 0;
    this.starts.length = 0;
    this.arenaOpen = false;
    this.length = 0;
  }
}

/** Every partition of an in-memory broker: nothing outlives the process, so nothing else is kept. */
export const memorySegmentStorage: PartitionStorage = {
  persistent: false,
  create: () => new MemorySegmentStorage(),
  createCleaned: () => new MemorySegmentStorage(),
  swapCleaned: (_cleaned, replaced) => {
    for (const storage of replaced) storage.delete();
  },
  writeProducerSnapshot: () => undefined,
  logStartOffsetChanged: () => undefined,
  cleanerCheckpointChanged: () => undefined,
  close: () => undefined,
  destroy: () => undefined,
};
