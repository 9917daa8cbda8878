// The Apache Kafka releases the tests run on: the newest of the 3.9 line and the newest 4.x
// in Maven Central that runs on Java 17 (4.x brokers need Java 17 or newer). Both are KRaft
// only here (no ZooKeeper). A release names the logging backend its distribution ships,
// since the kafka_2.13 artifact itself depends on none (pom.xml adds it per profile).

/** Oldest first (an object's keys would put "4" before "3.9"). */
export const KAFKA_LINES = ["3.9", "4"] as const;
export type KafkaLine = (typeof KAFKA_LINES)[number];

export interface KafkaRelease {
  readonly line: KafkaLine;
  /** The Maven version of org.apache.kafka:kafka_2.13. */
  readonly version: string;
  /** reload4j behind SLF4J up to 3.9, Log4j 2 from 4.0 on: the pom profile and the config file. */
  readonly logging: "reload4j" | "log4j2";
}

export const KAFKA_RELEASES: Readonly<Record<KafkaLine, KafkaRelease>> = {
  "3.9": { line: "3.9", version: "3.9.2", logging: "reload4j" },
  "4": { line: "4", version: "4.4.0", logging: "log4j2" },
};

/** The release tests use when none is named (docker-compose.yml runs the same). */
export const DEFAULT_KAFKA_LINE: KafkaLine = "4";

export function isKafkaLine(value: string): value is KafkaLine {
  return (KAFKA_LINES as readonly string[]).includes(value);
}
