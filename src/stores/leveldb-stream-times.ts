// The stores' stream times kept in a task's LevelDB beside the rows and the checkpoint
// they describe, written in the same atomic batch as those rows: a restarted instance
// with nothing to restore starts each window, session and versioned store at the clock
// its committed rows were written by, so expired windows stay hidden and a versioned
// store's history retention goes on from where it was, before the first new record.
//
// Written rather than derived from the rows on open (Kafka Streams reopens its segments):
// a window store's rows are ordered by key, so its newest window start is a full scan
// away; a versioned store's clock also counts records that left no row (tombstones, a
// version older than the history); and an empty window store (every window expired or
// deleted) has no row to read it from. An entry is an 8-byte big-endian signed integer,
// -1 for "unknown". A database without the entries (written before Eddy kept them)
// opens with every clock unknown, as it did; so does a damaged entry, reported to the
// caller to log rather than failing the open: the clock is a cache of what the rows
// imply, never needed to read them correctly, and the next commit writes it again.
import type { ClassicLevel } from "classic-level";
import { STREAM_TIME_END, STREAM_TIME_PREFIX, streamTimeKey } from "./leveldb-key-layout.js";
import { NO_STREAM_TIME } from "./store-stream-time.js";
import type { StoreStreamTimes } from "./store-stream-time.js";
import { isValidStoreName } from "./store-name.js";

const STREAM_TIME_BYTES = 8;

/** The entry that keeps store `name`'s stream time `time`. */
export function streamTimeEntry(name: string, time: number): [Buffer, Buffer] {
  const value = Buffer.allocUnsafe(STREAM_TIME_BYTES);
  value.writeBigInt64BE(BigInt(time), 0);
  return [streamTimeKey(name), value];
}

/** A stored entry's time, or why it cannot be trusted. */
export function decodeStreamTime(value: Buffer): number | string {
  if (value.length !== STREAM_TIME_BYTES) return `it is ${value.length} bytes long, not ${STREAM_TIME_BYTES}`;
  const time = value.readBigInt64BE(0);
  if (time < BigInt(NO_STREAM_TIME) || time > BigInt(Number.MAX_SAFE_INTEGER)) return `${time} is not a time`;
  return Number(time);
}

/**
 * Reads every stored stream time into `into` (never moving a clock back) and returns the
 * problems met: each names the entry skipped, whose store starts with an unknown clock.
 */
export async function loadStreamTimes(
  db: ClassicLevel<Buffer, Buffer>,
  into: StoreStreamTimes,
): Promise<readonly string[]> {
  let entries: [Buffer, Buffer][];
  let iterator: ReturnType<ClassicLevel<Buffer, Buffer>["iterator"]> | undefined;
  try {
    iterator = db.iterator({ gte: STREAM_TIME_PREFIX, lt: STREAM_TIME_END });
    entries = (await iterator.all()) as [Buffer, Buffer][];
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return [`the stream times could not be read (${reason}): every store's starts unknown`];
  } finally {
    await iterator?.close().catch(() => undefined);
  }
  const problems: string[] = [];
  for (const [key, value] of entries) {
    const name = key.toString("latin1", STREAM_TIME_PREFIX.length);
    if (!isValidStoreName(name)) {
      problems.push(`a stream time entry for the invalid store name ${JSON.stringify(name)} was skipped`);
      continue;
    }
    const time = decodeStreamTime(value);
    if (typeof time === "string") {
      problems.push(`the stream time of store "${name}" is unreadable (${time}): it starts unknown`);
      continue;
    }
    const cell = into.of(name);
    if (time > cell.time) cell.time = time;
  }
  return problems;
}
