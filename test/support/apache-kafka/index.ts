// Apache Kafka from its own jars, for tests and benchmarks (see README.md).
export { startApacheKafka, randomClusterId } from "./kafka-cluster.js";
export type { ApacheKafka, ApacheKafkaOptions } from "./kafka-cluster.js";
export { ApacheKafkaNode } from "./kafka-node.js";
export type { NodeState } from "./kafka-node.js";
export { DEFAULT_KAFKA_LINE, KAFKA_LINES, KAFKA_RELEASES, isKafkaLine } from "./versions.js";
export type { KafkaLine, KafkaRelease } from "./versions.js";
export { findJava, findMaven, MIN_JAVA_VERSION } from "./toolchain.js";
export { kafkaLibs, kafkaCacheDir } from "./jars.js";
export { ApacheKafkaError, JavaMissingError, MavenMissingError, APACHE_KAFKA_ERRORS } from "./errors.js";
