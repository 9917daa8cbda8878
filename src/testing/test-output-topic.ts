// Kafka Streams' TestOutputTopic: reads, in order, what the topology wrote to a topic.
// Reading consumes: two TestOutputTopics of one topic share its queue.
import type { KeyValue } from "../stores/key-value-store.js";
import { RecordHeaders } from "../topology/headers.js";
import type { Serde } from "../serdes/serde.js";
import type { DriverRecord } from "./driver-topics.js";
import { NoOutputRecordError, NullKeyInMapError } from "./errors.js";
import type { TestRecord } from "./test-record.js";
import { requireArgument } from "./required-arguments.js";

/** What an output topic needs from its driver. */
export interface OutputQueue {
  take(topic: string): DriverRecord | undefined;
  queueSize(topic: string): number;
  /** Whether the topology ever wrote to the topic (read since or not). */
  everWritten(topic: string): boolean;
}

export class TestOutputTopic<K, V> {
  readonly name: string;
  readonly #queue: OutputQueue;
  readonly #keySerde: Serde<K>;
  readonly #valueSerde: Serde<V>;

  /** @internal Created by TopologyTestDriver.createOutputTopic(). */
  constructor(queue: OutputQueue, name: string, keySerde: Serde<K>, valueSerde: Serde<V>) {
    requireArgument(queue, "TopologyTestDriver");
    requireArgument(name, "topicName");
    requireArgument(keySerde, "keySerde");
    requireArgument(valueSerde, "valueSerde");
    this.#queue = queue;
    this.name = name;
    this.#keySerde = keySerde;
    this.#valueSerde = valueSerde;
  }

  getQueueSize(): number {
    return this.#queue.queueSize(this.name);
  }

  isEmpty(): boolean {
    return this.getQueueSize() === 0;
  }

  readRecord(): TestRecord<K, V> {
    const record = this.#queue.take(this.name);
    if (record === undefined) throw new NoOutputRecordError(this.name, this.#queue.everWritten(this.name));
    return {
      key: record.key === null ? null : this.#keySerde.deserialize(record.key, { topic: this.name, part: "key" }),
      value:
        record.value === null ? null : this.#valueSerde.deserialize(record.value, { topic: this.name, part: "value" }),
      timestamp: record.timestamp,
      headers: new RecordHeaders(record.headers),
    };
  }

  readValue(): V | null {
    return this.readRecord().value;
  }

  readKeyValue(): KeyValue<K | null, V | null> {
    const { key, value } = this.readRecord();
    return { key, value };
  }

  readRecordsToList(): TestRecord<K, V>[] {
    const records: TestRecord<K, V>[] = [];
    while (!this.isEmpty()) records.push(this.readRecord());
    return records;
  }

  readValuesToList(): (V | null)[] {
    return this.readRecordsToList().map((record) => record.value);
  }

  readKeyValuesToList(): KeyValue<K | null, V | null>[] {
    return this.readRecordsToList().map(({ key, value }) => ({ key, value }));
  }

  /**
   * The last value per key (a null value keeps the key with null, as a table would show a
   * delete). A null key is refused, as Kafka Streams' driver refuses it: the records read
   * up to it are consumed.
   */
  readKeyValuesToMap(): Map<K, V | null> {
    const map = new Map<K, V | null>();
    while (!this.isEmpty()) {
      const { key, value } = this.readRecord();
      if (key === null) throw new NullKeyInMapError(this.name);
      map.set(key, value);
    }
    return map;
  }

  /** As Kafka Streams': `TestOutputTopic[topic='out', keySerde=string, valueSerde=long, size=2]`. */
  toString(): string {
    return `TestOutputTopic[topic='${this.name}', keySerde=${this.#keySerde.name}, valueSerde=${this.#valueSerde.name}, size=${this.getQueueSize()}]`;
  }
}
