// What the services in front of an example need from Kafka: publish a record to a topic,
// keyed so that it lands on the partition a Java producer would pick.
import type { Serde } from "eddy-streams";

export interface RecordPublisher {
  publish<K, V>(
    topic: string,
    record: { key: K; value: V; keySerde: Serde<K>; valueSerde: Serde<V>; timestamp?: number },
  ): Promise<void>;
}

/** A topic an example reads or writes: created before the application starts, as Kafka Streams expects. */
export interface TopicSpec {
  readonly name: string;
  /** Partitions; the topics an example joins must have the same count (co-partitioning). */
  readonly partitions: number;
  readonly configs?: Readonly<Record<string, string>>;
}
