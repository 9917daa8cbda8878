// Kafka Streams' TestInputTopic: serializes what a test pipes in and hands it to the
// driver, which processes it (and everything it causes) before the promise resolves.
// Records without a timestamp get the topic's current time, which then moves on by
// `autoAdvance`, so a test can pipe a sequence without spelling out every timestamp.
import type { KeyValue } from "../stores/key-value-store.js";
import { RecordHeaders } from "../topology/headers.js";
import type { HeadersInit } from "../topology/headers.js";
import type { Serde } from "../serdes/serde.js";
import type { TestRecordInit } from "./test-record.js";
import { requireArgument } from "./required-arguments.js";

/** What an input topic needs from its driver. */
export interface InputPipe {
  pipe(
    topic: string,
    record: { key: Buffer | null; value: Buffer | null; timestamp: number; headers: RecordHeaders },
  ): Promise<void>;
}

export interface PipeOptions {
  timestamp?: number;
  headers?: HeadersInit;
}

export interface PipeListOptions {
  /** Timestamp of the first record; the topic's current time by default. */
  startTimestamp?: number;
  /** Added to the timestamp after each record; the topic's autoAdvance by default. */
  advance?: number;
}

export class TestInputTopic<K, V> {
  readonly name: string;
  readonly #pipe: InputPipe;
  readonly #keySerde: Serde<K>;
  readonly #valueSerde: Serde<V>;
  #currentTime: number;
  readonly #autoAdvance: number;

  /** @internal Created by TopologyTestDriver.createInputTopic(). */
  constructor(
    pipe: InputPipe,
    name: string,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
    startTimestamp: number,
    autoAdvance: number,
  ) {
    requireArgument(pipe, "TopologyTestDriver");
    requireArgument(name, "topicName");
    requireArgument(keySerde, "keySerde");
    requireArgument(valueSerde, "valueSerde");
    requireNonNegative(autoAdvance, "autoAdvance");
    this.#pipe = pipe;
    this.name = name;
    this.#keySerde = keySerde;
    this.#valueSerde = valueSerde;
    this.#currentTime = startTimestamp;
    this.#autoAdvance = autoAdvance;
  }

  /** The timestamp the next record without one will get. */
  get currentTime(): number {
    return this.#currentTime;
  }

  advanceTime(ms: number): void {
    requireNonNegative(ms, "advance");
    this.#currentTime += ms;
  }

  pipeInput(key: K | null, value: V | null, options?: PipeOptions): Promise<void> {
    return this.pipeRecord({ key, value, ...options });
  }

  /** A record with a null key. */
  pipeValue(value: V | null, options?: PipeOptions): Promise<void> {
    return this.pipeRecord({ key: null, value, ...options });
  }

  async pipeRecord(record: TestRecordInit<K, V>): Promise<void> {
    const timestamp = record.timestamp ?? this.#nextTimestamp();
    const key =
      record.key === null || record.key === undefined
        ? null
        : this.#keySerde.serialize(record.key, { topic: this.name, part: "key" });
    const value =
      record.value === null ? null : this.#valueSerde.serialize(record.value, { topic: this.name, part: "value" });
    await this.#pipe.pipe(this.name, { key, value, timestamp, headers: new RecordHeaders(record.headers) });
  }

  async pipeKeyValueList(list: Iterable<KeyValue<K | null, V | null>>, options?: PipeListOptions): Promise<void> {
    if (options?.advance !== undefined) requireNonNegative(options.advance, "advance");
    let timestamp = options?.startTimestamp;
    for (const { key, value } of list) {
      if (timestamp === undefined) {
        await this.pipeInput(key, value);
      } else {
        await this.pipeInput(key, value, { timestamp });
        timestamp += options?.advance ?? this.#autoAdvance;
      }
    }
  }

  async pipeValueList(values: Iterable<V | null>, options?: PipeListOptions): Promise<void> {
    await this.pipeKeyValueList(
      [...values].map((value) => ({ key: null, value })),
      options,
    );
  }

  async pipeRecordList(records: Iterable<TestRecordInit<K, V>>): Promise<void> {
    for (const record of records) await this.pipeRecord(record);
  }

  /** As Kafka Streams': `TestInputTopic[topic='in', keySerde=string, valueSerde=long]`. */
  toString(): string {
    return `TestInputTopic[topic='${this.name}', keySerde=${this.#keySerde.name}, valueSerde=${this.#valueSerde.name}]`;
  }

  #nextTimestamp(): number {
    const timestamp = this.#currentTime;
    this.#currentTime += this.#autoAdvance;
    return timestamp;
  }
}

/** Kafka Streams refuses a negative advance ("advance must be positive") with IllegalArgumentException. */
function requireNonNegative(ms: number, what: string): void {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`${what} must be positive (ms, >= 0), got ${ms}`);
}
