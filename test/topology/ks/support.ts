// Helpers for the ports of Kafka Streams' own test cases: the same inputs, the same
// expected outputs (keys, values and timestamps), written the way the Java tests read.
import { expect } from "vitest";
import type { TestOutputTopic } from "../../../src/testing/test-output-topic.js";

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
  return topic.readRecordsToList().map(({ key, value, timestamp }) => ({ key, value, timestamp }));
}

/** assertOutputKeyValueTimestamp, repeated: exactly these records, in order, and nothing else. */
export function expectOutput<K, V>(topic: TestOutputTopic<K, V>, expected: KeyValueTimestamp<K, V>[]): void {
  expect(readAll(topic)).toEqual(expected);
}

/** MockValueJoiner.TOSTRING_JOINER: "left+right", nulls printed as "null". */
export const toStringJoiner = (left: unknown, right: unknown): string => `${String(left)}+${String(right)}`;
