// The one way a test gets its Kafka: the embedded broker (src/broker) or Apache Kafka, as
// EDDY_TEST_KAFKA says (selection.ts). On Apache Kafka a test file leases a broker of its own
// from the run's pool (global-setup.ts), or starts one when the run has no pool (a file run
// with a config without the global setup). A failing test names the broker's log file.
import { inject } from "vitest";
import { startBroker } from "../../../src/broker/index.js";
import type { BrokerOptions } from "../../../src/broker/index.js";
import { startApacheKafka } from "../apache-kafka/kafka-cluster.js";
import { KAFKA_RELEASES } from "../apache-kafka/versions.js";
import type { KafkaUnderTestContext } from "./global-setup.js";
import type { Lease } from "./broker-pool.js";
import { dropLogs, holdLogs } from "./open-logs.js";
import { describeSelection, kafkaSelection } from "./selection.js";
import type { KafkaSelection } from "./selection.js";

export interface KafkaUnderTest {
  readonly kind: "embedded" | "apache";
  /** "the embedded broker" or "Apache Kafka 4.4.0". */
  readonly name: string;
  readonly bootstrap: string;
  /** The Apache Kafka nodes' log files (none for the embedded broker). */
  readonly logFiles: readonly string[];
  close(): Promise<void>;
}

/** The run's selection: from the global setup when there is one, else from the environment. */
export function testKafkaContext(): KafkaUnderTestContext {
  let provided: KafkaUnderTestContext | undefined;
  try {
    provided = inject("eddyKafka");
  } catch {
    provided = undefined;
  }
  return provided ?? { selection: kafkaSelection() };
}

export function testKafkaSelection(): KafkaSelection {
  return testKafkaContext().selection;
}

export async function startKafkaUnderTest(embedded: BrokerOptions = {}): Promise<KafkaUnderTest> {
  const context = testKafkaContext();
  const { selection } = context;
  if (selection.kind === "embedded") {
    const broker = await startBroker({ port: 0, ...embedded });
    return {
      kind: "embedded",
      name: describeSelection(selection),
      bootstrap: broker.bootstrap,
      logFiles: [],
      close: () => broker.close(),
    };
  }
  const name = `Apache Kafka ${KAFKA_RELEASES[selection.line].version}`;
  if (context.poolUrl !== undefined) {
    const poolUrl = context.poolUrl;
    const lease = await leaseFromPool(poolUrl);
    holdLogs(lease.logFiles);
    let closed: Promise<void> | undefined;
    return {
      kind: "apache",
      name,
      bootstrap: lease.bootstrap,
      logFiles: lease.logFiles,
      close: () => {
        closed ??= (async () => {
          dropLogs(lease.logFiles);
          await fetch(`${poolUrl}/release?id=${encodeURIComponent(lease.id)}`, { method: "POST" });
        })();
        return closed;
      },
    };
  }
  const kafka = await startApacheKafka({ line: selection.line });
  holdLogs(kafka.logFiles);
  return {
    kind: "apache",
    name,
    bootstrap: kafka.bootstrap,
    logFiles: kafka.logFiles,
    close: async () => {
      dropLogs(kafka.logFiles);
      await kafka.stop();
    },
  };
}

async function leaseFromPool(poolUrl: string): Promise<Lease> {
  const response = await fetch(`${poolUrl}/lease`, { method: "POST" });
  const body = (await response.json()) as Lease | { error: string };
  if (!response.ok || "error" in body)
    throw new Error(`no Apache Kafka broker from the run's pool: ${"error" in body ? body.error : response.status}`);
  return body;
}

/** A Kafka a test stops and starts again on the same port and data: an outage. */
export interface RestartableKafka {
  readonly name: string;
  readonly bootstrap: string;
  readonly logFiles: readonly string[];
  /** The broker goes away (a clean shutdown). */
  stop(): Promise<void>;
  /** The broker comes back, on the same port and data, and answers. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A broker of the test's own (never a pooled one: it is stopped), keeping its data in
 * `dataDir` (the embedded broker) or its own run directory (Apache Kafka).
 */
export async function startRestartableKafka(dataDir: string, embedded: BrokerOptions = {}): Promise<RestartableKafka> {
  const { selection } = testKafkaContext();
  if (selection.kind === "embedded") {
    let broker = await startBroker({ port: 0, dataDir, ...embedded });
    const port = Number(broker.bootstrap.split(":").at(-1));
    let running = true;
    return {
      name: describeSelection(selection),
      bootstrap: broker.bootstrap,
      logFiles: [],
      stop: async () => {
        running = false;
        await broker.close();
      },
      start: async () => {
        broker = await startBroker({ port, dataDir, ...embedded });
        running = true;
      },
      close: async () => {
        if (running) await broker.close();
        running = false;
      },
    };
  }
  const kafka = await startApacheKafka({ line: selection.line });
  holdLogs(kafka.logFiles);
  return {
    name: describeSelection(selection),
    bootstrap: kafka.bootstrap,
    logFiles: kafka.logFiles,
    stop: () => kafka.node(1).stop(),
    start: () => kafka.restart(1),
    close: async () => {
      dropLogs(kafka.logFiles);
      await kafka.stop();
    },
  };
}
