// The bytes of one suppress() buffer entry, as Kafka Streams' InMemoryTimeOrderedKeyValueChangeBuffer
// logs them with the header v=3, so that a changelog is readable both ways:
//   record context: timestamp (8), offset (8), topic (4-byte length + UTF-8), partition (4),
//                   header count (4), then per header key (4 + UTF-8) and value (4 + bytes, -1 null)
//   prior value (4-byte length + bytes, -1 null): the table's value before the key was buffered
//   old value (the same, or -2 when it equals the prior value)
//   new value
//   buffer time (8)
// The store keeps exactly these bytes per serialized key, so the changelog is the store.
import { StateStoreError } from "./errors.js";

const NULL_VALUE = -1;
const OLD_EQUALS_PRIOR = -2;

export interface BufferHeader {
  readonly key: string;
  readonly value: Buffer | null;
}

/** The record a buffered change came with (Kafka Streams' ProcessorRecordContext). */
export interface BufferedRecordContext {
  readonly timestamp: number;
  readonly offset: number;
  readonly topic: string;
  readonly partition: number;
  readonly headers: readonly BufferHeader[];
}

export interface BufferEntryBytes {
  readonly context: BufferedRecordContext;
  readonly prior: Buffer | null;
  readonly old: Buffer | null;
  readonly new: Buffer | null;
  readonly time: number;
}

function sizePrefixed(value: Buffer | null): number {
  return 4 + (value?.length ?? 0);
}

export function encodeBufferEntry(entry: BufferEntryBytes): Buffer {
  const { context } = entry;
  const topic = Buffer.from(context.topic, "utf8");
  const headers = context.headers.map((h) => [Buffer.from(h.key, "utf8"), h.value] as const);
  const oldIsPrior = entry.old !== null && entry.prior !== null && entry.old.equals(entry.prior);
  let size = 8 + 8 + 4 + topic.length + 4 + 4;
  for (const [key, value] of headers) size += 4 + key.length + sizePrefixed(value);
  size += sizePrefixed(entry.prior) + (oldIsPrior ? 4 : sizePrefixed(entry.old)) + sizePrefixed(entry.new) + 8;
  const out = Buffer.allocUnsafe(size);
  let at = out.writeBigInt64BE(BigInt(context.timestamp), 0);
  at = out.writeBigInt64BE(BigInt(context.offset), at);
  at = out.writeInt32BE(topic.length, at);
  at += topic.copy(out, at);
  at = out.writeInt32BE(context.partition, at);
  at = out.writeInt32BE(headers.length, at);
  const put = (value: Buffer | null): void => {
    if (value === null) {
      at = out.writeInt32BE(NULL_VALUE, at);
    } else {
      at = out.writeInt32BE(value.length, at);
      at += value.copy(out, at);
    }
  };
  for (const [key, value] of headers) {
    put(key);
    put(value);
  }
  put(entry.prior);
  if (oldIsPrior) at = out.writeInt32BE(OLD_EQUALS_PRIOR, at);
  else put(entry.old);
  put(entry.new);
  out.writeBigInt64BE(BigInt(entry.time), at);
  return out;
}

export function decodeBufferEntry(bytes: Buffer, store: string): BufferEntryBytes {
  let at = 0;
  const need = (n: number): void => {
    if (at + n > bytes.length) {
      throw new StateStoreError(
        `The suppression buffer "${store}" holds an entry cut short (${bytes.length} bytes): its changelog is not a suppress() buffer's; delete the application's local state and restore it from a sound changelog`,
      );
    }
  };
  const long = (): number => {
    need(8);
    const value = Number(bytes.readBigInt64BE(at));
    at += 8;
    return value;
  };
  const int = (): number => {
    need(4);
    const value = bytes.readInt32BE(at);
    at += 4;
    return value;
  };
  const array = (length: number): Buffer | null => {
    if (length < 0) return null;
    need(length);
    const value = Buffer.from(bytes.subarray(at, at + length));
    at += length;
    return value;
  };
  const timestamp = long();
  const offset = long();
  const topic = (array(int()) ?? Buffer.alloc(0)).toString("utf8");
  const partition = int();
  const count = int();
  const headers: BufferHeader[] = [];
  for (let i = 0; i < count; i++) {
    const key = (array(int()) ?? Buffer.alloc(0)).toString("utf8");
    headers.push({ key, value: array(int()) });
  }
  const prior = array(int());
  const oldLength = int();
  const old = oldLength === OLD_EQUALS_PRIOR ? prior : array(oldLength);
  const newValue = array(int());
  const time = long();
  return { context: { timestamp, offset, topic, partition, headers }, prior, old, new: newValue, time };
}

/** Kafka Streams' estimate of an entry's memory (computeRecordSize): what maxBytes bounds. */
export function bufferEntrySize(key: Buffer, entry: BufferEntryBytes): number {
  let size = 8 + key.length;
  size += entry.prior?.length ?? 0;
  if (entry.old !== entry.prior) size += entry.old?.length ?? 0;
  size += entry.new?.length ?? 0;
  size += 8 + 8 + entry.context.topic.length + 4;
  for (const header of entry.context.headers) size += header.key.length + (header.value?.length ?? 0);
  return size;
}
