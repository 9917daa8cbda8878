// The Apache Kafka node the peers run on: the test harness's (test/support/apache-kafka),
// one KRaft node of the default release line (BENCH_PEERS_KAFKA_LINE: "3.9" or "4"), its
// heap capped as every JVM on this machine.
import { startApacheKafka } from "../../test/support/apache-kafka/index.js";
import type { KafkaLine } from "../../test/support/apache-kafka/index.js";

export interface BenchKafka {
  readonly bootstrap: string;
  /** The release's Maven version (Kafka Streams is built against the same). */
  readonly version: string;
  stop(): Promise<void>;
}

export async function startKafka(log: (line: string) => void): Promise<BenchKafka> {
  const line = process.env.BENCH_PEERS_KAFKA_LINE as KafkaLine | undefined;
  const kafka = await startApacheKafka({ ...(line === undefined ? {} : { line }), nodes: 1, heapMb: 512 });
  log(`Apache Kafka ${kafka.release.version} (one node) on ${kafka.bootstrap}, logs in ${kafka.logFiles.join(", ")}`);
  return { bootstrap: kafka.bootstrap, version: kafka.release.version, stop: () => kafka.stop() };
}
