// vitest global setup of every run: with EDDY_TEST_KAFKA=apache-*, it checks Java and Maven
// (failing the run at once, naming what is missing), resolves Kafka's jars, starts a pool of
// Apache Kafka brokers and tells the test files where to lease one; with the embedded broker
// (the default) it does nothing, so that `npm test` never needs Java.
import type { TestProject } from "vitest/node";
import { kafkaLibs } from "../apache-kafka/jars.js";
import { findJava, findMaven } from "../apache-kafka/toolchain.js";
import { KAFKA_RELEASES } from "../apache-kafka/versions.js";
import { ApacheKafkaPool } from "./broker-pool.js";
import { servePool } from "./pool-server.js";
import { describeSelection, kafkaSelection } from "./selection.js";
import type { KafkaSelection } from "./selection.js";

/** What the global setup tells the test files. */
export interface KafkaUnderTestContext {
  readonly selection: KafkaSelection;
  /** The broker pool's URL (Apache Kafka only). */
  readonly poolUrl?: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    eddyKafka: KafkaUnderTestContext;
  }
}

/** Brokers started before the first file asks: as many as files run at once. */
const PRESTARTED = 2;

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const selection = kafkaSelection();
  if (selection.kind === "embedded") {
    project.provide("eddyKafka", { selection });
    return undefined;
  }
  findJava();
  findMaven();
  const release = KAFKA_RELEASES[selection.line];
  await kafkaLibs(release);
  const pool = new ApacheKafkaPool(selection.line, (message) => process.stderr.write(`[kafka pool] ${message}\n`));
  try {
    await pool.prestart(PRESTARTED);
  } catch (error) {
    await pool.close();
    throw error;
  }
  const server = await servePool(pool);
  project.provide("eddyKafka", { selection, poolUrl: server.url });
  process.stderr.write(`Broker-backed suites run on ${describeSelection(selection)} (EDDY_TEST_KAFKA)\n`);
  return async () => {
    await server.close();
    await pool.close();
  };
}
