// What Apache Kafka 4 answers differently from Kafka 3.9 where the embedded broker answers as
// 3.9 (src/broker/README.md, "What differs from Kafka"): the set of topic configs and two
// defaults. The suite takes these out of both sides before comparing, and checks on Kafka 4
// that they are exactly so, so that the list cannot go stale.
import type { KafkaLine } from "../../support/apache-kafka/versions.js";

/** Topic configs Kafka 4 removed (KIP-724, KIP-937) that 3.9 and the embedded broker describe. */
export const REMOVED_IN_KAFKA_4 = [
  "message.downconversion.enable",
  "message.format.version",
  "message.timestamp.difference.max.ms",
] as const;

/** Topic configs Kafka 4 added. */
export const ADDED_IN_KAFKA_4 = [
  "errors.deadletterqueue.group.enable",
  "max.decompressed.message.bytes",
  "remote.copy.lag.bytes",
  "remote.copy.lag.ms",
] as const;

/**
 * Entries Kafka 4 describes otherwise: message.timestamp.after.max.ms defaults to one hour
 * (KIP-1166; Long.MAX_VALUE before), and `kafka-storage format` writes min.insync.replicas as a
 * cluster-wide dynamic default (for eligible leader replicas), so it describes with that source.
 */
export const CHANGED_IN_KAFKA_4 = ["message.timestamp.after.max.ms", "min.insync.replicas"] as const;

const OUT_OF_COMPARISON = new Set<string>([...REMOVED_IN_KAFKA_4, ...ADDED_IN_KAFKA_4, ...CHANGED_IN_KAFKA_4]);

export function comparedOn(line: KafkaLine): (configName: string) => boolean {
  return (name) => line !== "4" || !OUT_OF_COMPARISON.has(name);
}
