// The buffer of a stream-table join with a grace period: Kafka Streams'
// RocksDBTimeOrderedKeyValueBuffer. Stream records wait in the join's `<name>-Buffer`
// store, keyed as TimeFirstWindowKeySchema (8-byte timestamp, the key's bytes, a 4-byte
// sequence number so that records of one key and time are all kept), valued as Kafka
// Streams' BufferValue (the record context, then the value). They leave in time order once
// stream time has passed them by the grace period. The store is a task store with a
// changelog, so buffered records survive a crash and move with the task.
import type { KeyValueStore } from "../../../stores/key-value-store.js";
import { decodeBufferEntry, encodeBufferEntry } from "../../../stores/suppression-buffer-format.js";
import type { Serde, SerdeContext } from "../../../serdes/serde.js";
import { RecordHeaders } from "../../headers.js";
import type { ProcessorContext } from "../../processor.js";
import type { StreamRecord } from "../../record.js";
import { MissingSerdeError } from "../../errors.js";

const TIMESTAMP_BYTES = 8;
const SEQNUM_BYTES = 4;

export interface StreamJoinBufferOptions<K, V> {
  readonly gracePeriodMs: number;
  readonly bufferStore: string;
  /** The topic the serdes are told: the join's name, as Kafka Streams' buffer tells them (not a changelog's). */
  readonly serdeTopic: string;
  readonly keySerde: Serde<K> | undefined;
  readonly valueSerde: Serde<V> | undefined;
}

export class StreamJoinBuffer<K, V> {
  readonly #store: KeyValueStore<Buffer, Buffer>;
  readonly #name: string;
  readonly #gracePeriodMs: number;
  readonly #keySerde: Serde<K>;
  readonly #valueSerde: Serde<V>;
  readonly #context: ProcessorContext<unknown, unknown>;
  readonly #keyContext: SerdeContext;
  readonly #valueContext: SerdeContext;
  // Starts anywhere: a restarted task must not overwrite a record buffered before (same key and time).
  #seqnum = Math.floor(Math.random() * 0x1_0000_0000);

  private constructor(
    context: ProcessorContext<unknown, unknown>,
    options: StreamJoinBufferOptions<K, V>,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
  ) {
    this.#context = context;
    this.#name = options.bufferStore;
    this.#store = context.getStateStore<Buffer, Buffer>(options.bufferStore);
    this.#gracePeriodMs = options.gracePeriodMs;
    this.#keySerde = keySerde;
    this.#valueSerde = valueSerde;
    this.#keyContext = { topic: options.serdeTopic, store: options.bufferStore, part: "key" };
    this.#valueContext = { topic: options.serdeTopic, store: options.bufferStore, part: "value" };
  }

  /** The buffer of the join's processor, with the stream's serdes or the configuration's defaults. */
  static open<K, V>(
    context: ProcessorContext<unknown, unknown>,
    options: StreamJoinBufferOptions<K, V>,
  ): StreamJoinBuffer<K, V> {
    const keySerde = options.keySerde ?? (context.keySerde() as Serde<K> | undefined);
    const valueSerde = options.valueSerde ?? (context.valueSerde() as Serde<V> | undefined);
    for (const [part, serde] of [
      ["key", keySerde],
      ["value", valueSerde],
    ] as const) {
      if (serde === undefined) {
        throw new MissingSerdeError(
          options.bufferStore,
          part,
          `The grace buffer "${options.bufferStore}" needs the stream's ${part} serde: pass { ${part}: <serde> } to join() or set a default ${part} serde`,
        );
      }
    }
    return new StreamJoinBuffer(context, options, keySerde!, valueSerde!);
  }

  /** Buffers the record unless it is older than stream time - grace; false means "join it now". */
  async put(observedStreamTime: number, record: StreamRecord<K, V>): Promise<boolean> {
    if (observedStreamTime - this.#gracePeriodMs > record.timestamp) return false;
    const key = this.#keySerde.serialize(record.key, this.#keyContext);
    const row = Buffer.allocUnsafe(TIMESTAMP_BYTES + key.length + SEQNUM_BYTES);
    row.writeBigInt64BE(BigInt(record.timestamp), 0);
    key.copy(row, TIMESTAMP_BYTES);
    row.writeUInt32BE(this.#seqnum, TIMESTAMP_BYTES + key.length);
    this.#seqnum = (this.#seqnum + 1) % 0x1_0000_0000;
    const metadata = this.#context.recordMetadata();
    const value = encodeBufferEntry({
      context: {
        timestamp: record.timestamp,
        offset: metadata?.offset ?? -1,
        topic: metadata?.topic ?? "",
        partition: metadata?.partition ?? -1,
        headers: [...record.headers],
      },
      prior: null,
      old: null,
      new: this.#valueSerde.serialize(record.value, this.#valueContext),
      time: 0,
    });
    await this.#store.put(row, value);
    return true;
  }

  /** Hands every record at or before stream time - grace to `emit`, oldest first, and forgets it. */
  async evictExpired(observedStreamTime: number, emit: (record: StreamRecord<K, V>) => Promise<void>): Promise<void> {
    const limit = observedStreamTime - this.#gracePeriodMs;
    if (limit < 0) return;
    // Every row of a time <= limit sorts below the 8 bytes of limit + 1 (rows are longer).
    const bound = Buffer.allocUnsafe(TIMESTAMP_BYTES);
    bound.writeBigInt64BE(BigInt(limit + 1), 0);
    const due: { row: Buffer; value: Buffer }[] = [];
    for await (const { key, value } of this.#store.range(undefined, bound)) due.push({ row: key, value });
    for (const { row, value } of due) {
      const entry = decodeBufferEntry(value, this.#name);
      await this.#store.delete(row);
      await emit({
        key: this.#keySerde.deserialize(row.subarray(TIMESTAMP_BYTES, row.length - SEQNUM_BYTES), this.#keyContext),
        value: this.#valueSerde.deserialize(entry.new ?? Buffer.alloc(0), this.#valueContext),
        timestamp: entry.context.timestamp,
        headers: RecordHeaders.from(entry.context.headers),
      });
    }
  }
}
