// Stream-table joins: Kafka Streams' KStreamKTableJoin. Each stream record looks up the
// table's current value for its key; the table side never triggers output. Records
// with a null value are dropped (a null would be ambiguous with "no row" in a left
// join); a null key drops the record in an inner join and joins with null in a left one
// (since Kafka Streams 3.7, KIP-962). Dropped records are counted.
//
// Against a versioned table (KIP-914) the lookup is as of the stream record's timestamp,
// so a late stream record joins the row that was valid when it happened. With a grace
// period (Joined.withGracePeriod), stream records wait in a time-ordered buffer until
// stream time has passed them by the grace, so that table updates arriving a little late
// are seen; a record already older than that joins at once (stream-join-buffer.ts).
import type { ProcessorContext, ProcessorSupplier } from "../../processor.js";
import type { StreamRecord } from "../../record.js";
import type { Serde } from "../../../serdes/serde.js";
import { ForwardingProcessor } from "./forwarding-processor.js";
import type { ValueGetterSupplier } from "./value-getter.js";
import { StreamJoinBuffer } from "./stream-join-buffer.js";

/** A join's grace period and the buffer store that holds its stream records meanwhile. */
export interface StreamTableJoinGrace<K, V> {
  readonly gracePeriodMs: number;
  readonly bufferStore: string;
  /**
   * The topic the buffer tells the serdes: the join's name, as Kafka Streams builds its
   * RocksDBTimeOrderedKeyValueBuffer with `topic` = the join processor's name.
   */
  readonly serdeTopic: string;
  /** The stream's serdes, if known; the configuration's defaults otherwise. */
  readonly keySerde: Serde<K> | undefined;
  readonly valueSerde: Serde<V> | undefined;
}

export function streamTableJoinSupplier<K, V, VT, VR>(
  table: ValueGetterSupplier<K, VT>,
  joiner: (value: V, tableValue: VT | null, key: K) => VR,
  leftJoin: boolean,
  grace?: StreamTableJoinGrace<K, V>,
): ProcessorSupplier<K, V, K, VR> {
  const versioned = table.versioned !== undefined;
  return () => {
    const getter = table.get();
    return new (class extends ForwardingProcessor<K, V, K, VR> {
      #buffer: StreamJoinBuffer<K, V> | undefined;
      #observedStreamTime = -1;

      override init(context: ProcessorContext<K, VR>): void {
        super.init(context);
        getter.init(context as ProcessorContext<unknown, unknown>);
        if (grace !== undefined) {
          this.#buffer = StreamJoinBuffer.open(context as ProcessorContext<unknown, unknown>, grace);
        }
      }

      async process(record: StreamRecord<K, V>): Promise<void> {
        this.#observedStreamTime = Math.max(this.#observedStreamTime, record.timestamp);
        // Counted as Kafka Streams' dropped-records sensor counts them.
        if (record.value === null || (record.key === null && !leftJoin)) {
          this.context.recordDropped("a stream-table join skips a record with a null join key or value");
          return;
        }
        const buffer = this.#buffer;
        if (buffer === undefined || record.key === null) return this.#join(record);
        if (!(await buffer.put(this.#observedStreamTime, record))) return this.#join(record);
        await buffer.evictExpired(this.#observedStreamTime, (evicted) => this.#join(evicted));
      }

      async #join(record: StreamRecord<K, V>): Promise<void> {
        const tableValue = record.key === null ? null : await this.#lookup(record.key, record.timestamp);
        if (tableValue === null && !leftJoin) return;
        await this.context.forward({ ...record, value: joiner(record.value, tableValue, record.key) });
      }

      async #lookup(key: K, timestamp: number): Promise<VT | null> {
        const entry =
          versioned && getter.getAsOf !== undefined ? await getter.getAsOf(key, timestamp) : await getter.get(key);
        return entry?.value ?? null;
      }

      async close(): Promise<void> {
        await getter.close?.();
      }
    })();
  };
}
