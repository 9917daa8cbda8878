// What the running processor sees as its record context (Kafka Streams' ProcessorRecordContext):
// the input record's topic, partition and offset, and the timestamp and headers of the record
// the processor handles. Forwarding sets the record per processor, a punctuator sets its
// time, and a cached store's flush sets the context of the write it folds.
import { RecordHeaders } from "../topology/headers.js";
import { FORWARDED } from "../topology/processor.js";
import type { RecordContext, RecordMetadata, StreamRecord } from "../topology/record.js";

export class TaskRecordContext {
  /** What `metadata` returns once made. */
  #metadata: RecordMetadata | undefined = undefined;
  /** The input record whose metadata is made only when asked for: most records never need it as an object. */
  #input: RecordMetadata | undefined = undefined;
  /** The record the running processor handles (its timestamp and headers are the record context's). */
  current: StreamRecord<unknown, unknown> | undefined = undefined;
  /** The time of the punctuation running, for the record context of a punctuator. */
  punctuationTime = -1;

  /** Where the input record being processed came from (one object per record): undefined in a punctuator. */
  get metadata(): RecordMetadata | undefined {
    const input = this.#input;
    if (input !== undefined) {
      this.#metadata = { topic: input.topic, partition: input.partition, offset: input.offset };
      this.#input = undefined;
    }
    return this.#metadata;
  }

  set metadata(metadata: RecordMetadata | undefined) {
    this.#metadata = metadata;
    this.#input = undefined;
  }

  /** The input record now processed (its topic, partition and offset are read, never changed). */
  enter(input: RecordMetadata): void {
    this.#input = input;
    this.#metadata = undefined;
  }

  /** The context now; `reuse` (one its caller alone holds) is overwritten and returned rather than a new one made. */
  recordContext(reuse?: RecordContext): RecordContext {
    const metadata = this.#input ?? this.#metadata;
    const current = this.current;
    if (reuse !== undefined && metadata !== undefined && current !== undefined) {
      const target = reuse as { -readonly [F in keyof RecordContext]: RecordContext[F] };
      target.topic = metadata.topic;
      target.partition = metadata.partition;
      target.offset = metadata.offset;
      target.timestamp = current.timestamp;
      target.headers = toHeaders(current.headers);
      return target;
    }
    if (metadata === undefined) {
      return {
        topic: null,
        partition: -1,
        offset: -1,
        timestamp: current?.timestamp ?? this.punctuationTime,
        headers: current === undefined ? new RecordHeaders() : toHeaders(current.headers),
      };
    }
    return {
      topic: metadata.topic,
      partition: metadata.partition,
      offset: metadata.offset,
      timestamp: current?.timestamp ?? -1,
      headers: current === undefined ? new RecordHeaders() : toHeaders(current.headers),
    };
  }

  /**
   * A cached store's flush forwards with the context of the write it folds, as Kafka
   * Streams sets it. Synchronous when downstream is (undefined then): a flush forwards
   * thousands of keys, and a promise per key would cost more than forwarding it.
   */
  runInRecordContext(context: RecordContext, work: () => Promise<void>): void | Promise<void> {
    const metadata = this.#metadata;
    const input = this.#input;
    const current = this.current;
    if (context.topic === null) this.metadata = undefined;
    else this.enter(context as RecordMetadata);
    this.current = { key: undefined, value: undefined, timestamp: context.timestamp, headers: context.headers };
    let pending: Promise<void>;
    try {
      pending = work();
    } catch (error) {
      this.#restore(metadata, input, current);
      throw error;
    }
    if (pending === FORWARDED || !isThenable(pending)) {
      this.#restore(metadata, input, current);
      return undefined;
    }
    return this.#restoreContextAfter(pending, metadata, input, current);
  }

  #restore(
    metadata: RecordMetadata | undefined,
    input: RecordMetadata | undefined,
    current: StreamRecord<unknown, unknown> | undefined,
  ): void {
    this.#metadata = metadata;
    this.#input = input;
    this.current = current;
  }

  async #restoreContextAfter(
    pending: Promise<void>,
    metadata: RecordMetadata | undefined,
    input: RecordMetadata | undefined,
    current: StreamRecord<unknown, unknown> | undefined,
  ): Promise<void> {
    try {
      await pending;
    } finally {
      this.#restore(metadata, input, current);
    }
  }
}

export function isThenable(value: unknown): value is Promise<void> {
  return typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";
}

function toHeaders(headers: StreamRecord<unknown, unknown>["headers"]): RecordHeaders {
  return headers instanceof RecordHeaders ? headers : new RecordHeaders(headers);
}
