// The Kafka a benchmark runs on: the embedded broker in its own process (`eddy broker`, the
// default), or a single-node Apache Kafka from its own jars (test/support/apache-kafka, heap
// capped) with BENCH_KAFKA=apache (its newest 4.x), apache-4 or apache-3.9. `npm run bench --
// --kafka apache` sets it. Every baseline of a run is measured on the same broker as Eddy.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { startApacheKafka } from "../test/support/apache-kafka/index.js";
import { DEFAULT_KAFKA_LINE, isKafkaLine } from "../test/support/apache-kafka/versions.js";
import type { KafkaLine } from "../test/support/apache-kafka/versions.js";

export interface BenchKafka {
  /** What the run measured on, for its output: "embedded broker" or "Apache Kafka 4.4.0". */
  readonly label: string;
  readonly bootstrap: string;
  stop(): Promise<void>;
}

export const BENCH_KAFKA_VARIABLE = "BENCH_KAFKA";

/** The Apache Kafka line BENCH_KAFKA names, or undefined for the embedded broker. */
export function benchKafkaLine(value = process.env[BENCH_KAFKA_VARIABLE] ?? "embedded"): KafkaLine | undefined {
  if (value === "embedded" || value === "") return undefined;
  if (value === "apache") return DEFAULT_KAFKA_LINE;
  const line = value.replace(/^apache-/, "");
  if (value.startsWith("apache-") && isKafkaLine(line)) return line;
  throw new Error(
    `${BENCH_KAFKA_VARIABLE}=${value} is not a Kafka to benchmark on: use embedded, apache, apache-4 or apache-3.9`,
  );
}

export async function startBenchKafka(): Promise<BenchKafka> {
  const line = benchKafkaLine();
  if (line !== undefined) {
    const kafka = await startApacheKafka({ line, nodes: 1 });
    return {
      label: `Apache Kafka ${kafka.release.version}`,
      bootstrap: kafka.bootstrap,
      stop: () => kafka.stop(),
    };
  }
  const eddy = fileURLToPath(new URL("../bin/eddy.js", import.meta.url));
  const child = spawn(process.execPath, [eddy, "broker", "--port", "0", "--log-level", "warn"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let output = "";
  for await (const chunk of child.stdout!) {
    output += String(chunk);
    const match = /eddy broker listening on (\S+)/.exec(output);
    if (match) {
      return {
        label: "embedded broker",
        bootstrap: match[1]!,
        stop: async () => {
          if (child.exitCode !== null) return;
          child.kill("SIGTERM");
          await new Promise((resolve) => child.once("exit", resolve));
        },
      };
    }
  }
  throw new Error(`the embedded broker exited before listening: ${output}`);
}
