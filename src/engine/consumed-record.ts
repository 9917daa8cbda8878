// A record as it arrives from Kafka, before its serdes: what the runtime (or the
// TopologyTestDriver) hands the task executor.
import type { Header } from "../topology/headers.js";

export interface ConsumedRecord {
  /** The physical topic (a repartition topic with its `<applicationId>-` prefix). */
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  /** Milliseconds since the epoch, as set by the producer (CreateTime) or the broker (LogAppendTime). */
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: readonly Header[];
  /**
   * Set by the Kafka consumer (its FetchedRecord): the fetched bytes that `key` and `value`
   * are read from, and where they lie (a length of -1 is null). Serdes that read in place
   * (deserializeAt) take them from there, and no Buffer view of them is made.
   */
  readonly bytes?: Buffer;
  readonly keyAt?: number;
  readonly keyLength?: number;
  readonly valueAt?: number;
  readonly valueLength?: number;
}
