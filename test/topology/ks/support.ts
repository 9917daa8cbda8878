// Helpers for the ports of Kafka Streams' own test cases: the same inputs, the same
// expected outputs (keys, values and timestamps), written the way the Java tests read.
import { expect } from "vitest";
import type { TestOutputTopic } from "../../../src/testing/test-output-topic.js";
import type { ProcessorSupplier } from "../../../src/topology/processor.js";
import type { StreamRecord } from "../../../src/topology/record.js";
import type { Change } from "../../../src/topology/dsl/processors/change.js";

/** Kafka Streams' KeyValueTimestamp, as the tests compare output records. */
export interface KeyValueTimestamp<K, V> {
  readonly key: K | null;
  readonly value: V | null;
  readonly timestamp: number;
}

export function kvt<K, V>(key: K | null, value: V, timestamp: number): KeyValueTimestamp<K, NonNullable<V>> {
  return { key, value: value as NonNullable<V> | null, timestamp };
}

/** Everything on the topic, read off it, as (key, value, timestamp). */
export function readAll<K, V>(topic: TestOutputTopic<K, V>): KeyValueTimestamp<K, V>[] {
  return topic.readRecordsToList().map(({ key, value, timestamp }) => {
    // Only changelog records are written without a timestamp; the ports read the topology's outputs.
    if (timestamp === null) throw new Error(`a record of ${topic.name} has no timestamp`);
    return { key, value, timestamp };
  });
}

/** assertOutputKeyValueTimestamp, repeated: exactly these records, in order, and nothing else. */
export function expectOutput<K, V>(topic: TestOutputTopic<K, V>, expected: KeyValueTimestamp<K, V>[]): void {
  expect(readAll(topic)).toEqual(expected);
}

/** MockValueJoiner.TOSTRING_JOINER: "left+right", nulls printed as "null". */
export const toStringJoiner = (left: unknown, right: unknown): string => `${String(left)}+${String(right)}`;

/**
 * MockApiProcessorSupplier: a processor that records every (key, value, timestamp) it is
 * given, one list per processor created (per task), as the Java tests inspect them.
 */
export class CapturingSupplier<K, V> {
  readonly processors: KeyValueTimestamp<K, V>[][] = [];

  readonly supplier: ProcessorSupplier<K, V> = () => {
    const processed: KeyValueTimestamp<K, V>[] = [];
    this.processors.push(processed);
    return {
      process: ({ key, value, timestamp }: StreamRecord<K, V>) => {
        processed.push({ key, value, timestamp });
      },
    };
  };

  /** theCapturedProcessor(): the one processor there is. */
  processed(): KeyValueTimestamp<K, V>[] {
    expect(this.processors).toHaveLength(1);
    return this.processors[0]!;
  }

  /** checkAndClearProcessResult on processor `index` (in creation order). */
  checkAndClear(expected: KeyValueTimestamp<K, V>[], index = 0): void {
    const processed = this.processors[index];
    expect(processed).toBeDefined();
    expect(processed!.splice(0)).toEqual(expected);
  }
}

/** Kafka Streams' Change<V> (new, old), as a processor under a table node receives it. */
export function change<V>(newValue: V, oldValue: V): Change<NonNullable<V>> {
  return { newValue: newValue ?? null, oldValue: oldValue ?? null };
}
