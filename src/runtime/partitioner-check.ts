// Records that arrived on a partition other than the one Kafka's Java partitioner picks
// for their key. Joins (co-partitioned topics) and command handlers rely on every producer
// partitioning a key as the Java producer does (murmur2 of the key bytes): librdkafka's
// default (kcat, confluent-kafka, ...) is CRC32-based ("consistent_random"), so such a
// producer's records land elsewhere and never meet the other side of a join, or an
// aggregate's state, silently. The check counts them (eddy_mispartitioned_records_total)
// and warns once per topic-partition, saying what to do. Only the topics where the
// partition matters are checked: murmur2 costs a pass over each key there, nothing elsewhere.
import type { Logger } from "pino";
import { partitionForKey } from "../kafka/partitioner.js";
import type { ConsumedRecord } from "../kafka/types.js";
import type { TopologyData } from "../topology/topology.js";

export interface PartitionerCheckOptions {
  readonly topology: TopologyData;
  /** Partition count of a topic (a user source topic), once known. */
  readonly partitionsOf: (topic: string) => number | undefined;
  readonly logger: Logger;
  readonly onMispartitioned: (topic: string, count: number) => void;
}

/** The user topics whose records must be partitioned as Java partitions them: joined topics and command topics. */
export function partitionSensitiveTopics(topology: TopologyData): Map<string, string> {
  const userTopics = new Set(topology.subtopologies.flatMap((sub) => sub.sourceTopics));
  const why = new Map<string, string>();
  for (const group of topology.copartitionGroups) {
    for (const topic of group.topics) if (userTopics.has(topic)) why.set(topic, `joined by ${group.requiredBy}`);
  }
  for (const sub of topology.subtopologies) {
    const handler = sub.nodes.find((name) => {
      const node = topology.nodes.get(name);
      return node?.kind === "processor" && node.commandHandler !== undefined;
    });
    if (handler === undefined) continue;
    for (const topic of sub.sourceTopics) if (!why.has(topic)) why.set(topic, `commands of ${handler}`);
  }
  return why;
}

export class PartitionerCheck {
  readonly #options: PartitionerCheckOptions;
  readonly #topics: Map<string, string>;
  readonly #warned = new Set<string>();

  constructor(options: PartitionerCheckOptions) {
    this.#options = options;
    this.#topics = partitionSensitiveTopics(options.topology);
  }

  /** Whether records of `topic` are checked at all (the hot path asks once per batch). */
  checks(topic: string): boolean {
    return this.#topics.has(topic);
  }

  /** Checks the keyed records of one batch of `topic`-`partition` from offset `from` on. */
  check(topic: string, partition: number, records: readonly ConsumedRecord[], from: number): void {
    const partitions = this.#options.partitionsOf(topic);
    if (partitions === undefined || partitions < 2) return;
    let wrong = 0;
    let example: ConsumedRecord | undefined;
    let expected = partition;
    for (const record of records) {
      if (record.key === null || record.offset < from || record.undecodable !== undefined) continue;
      const java = partitionForKey(record.key, partitions);
      if (java === partition) continue;
      wrong += 1;
      if (example === undefined) {
        example = record;
        expected = java;
      }
    }
    if (wrong === 0 || example === undefined) return;
    this.#options.onMispartitioned(topic, wrong);
    const key = `${topic}|${partition}`;
    if (this.#warned.has(key)) return;
    this.#warned.add(key);
    this.#options.logger.warn(
      {
        topic,
        partition,
        offset: example.offset,
        expectedPartition: expected,
        key: printableKey(example.key as Buffer),
        reason: this.#topics.get(topic),
      },
      `records of ${topic} arrived on partition ${partition} whose keys Kafka's Java partitioner (murmur2) puts on other ` +
        "partitions: their producer partitions differently (kcat and librdkafka clients default to CRC32), so they will not " +
        "meet the records they join with, or the state of their key. Make every producer of this topic use murmur2 " +
        "(kcat/librdkafka: -X partitioner=murmur2_random; confluent-kafka: partitioner=murmur2_random), or give the partition " +
        "explicitly as murmur2 of the key bytes. Warned once per partition; eddy_mispartitioned_records_total counts them.",
    );
  }
}

function printableKey(key: Buffer): string {
  const text = key.subarray(0, 64).toString("utf8");
  return /^[\x20-\x7e]*$/.test(text) ? text : `base64:${key.subarray(0, 48).toString("base64")}`;
}
