// Which Kafka the broker-backed suites run on: EDDY_TEST_KAFKA=embedded (the default of
// `npm test`: src/broker, no JVM), apache-3.9 or apache-4 (Apache Kafka from its jars;
// `npm run test:kafka`). One switch for every suite, so that the same assertions judge both.
import { ApacheKafkaError } from "../apache-kafka/errors.js";
import { DEFAULT_KAFKA_LINE, KAFKA_LINES, KAFKA_RELEASES, isKafkaLine } from "../apache-kafka/versions.js";
import type { KafkaLine } from "../apache-kafka/versions.js";

export type KafkaSelection = { readonly kind: "embedded" } | { readonly kind: "apache"; readonly line: KafkaLine };

export const KAFKA_SELECTION_VARIABLE = "EDDY_TEST_KAFKA";

export function kafkaSelection(env: NodeJS.ProcessEnv = process.env): KafkaSelection {
  const value = (env[KAFKA_SELECTION_VARIABLE] ?? "").trim();
  if (value === "" || value === "embedded") return { kind: "embedded" };
  if (value === "apache") return { kind: "apache", line: DEFAULT_KAFKA_LINE };
  const line = value.startsWith("apache-") ? value.slice("apache-".length) : "";
  if (isKafkaLine(line)) return { kind: "apache", line };
  const known = ["embedded", ...KAFKA_LINES.map((l) => `apache-${l}`)].join(", ");
  throw new ApacheKafkaError(
    "EDDY_ERR_TEST_KAFKA_SELECTION",
    `${KAFKA_SELECTION_VARIABLE}=${value} is not one of ${known}`,
  );
}

/** "the embedded broker" or "Apache Kafka 4.4.0", for messages. */
export function describeSelection(selection: KafkaSelection): string {
  return selection.kind === "embedded"
    ? "the embedded broker"
    : `Apache Kafka ${KAFKA_RELEASES[selection.line].version}`;
}
