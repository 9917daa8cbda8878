// `eddy broker`: runs the embedded broker in the foreground. Prints exactly one line on
// stdout when it accepts connections (scripts wait for it); logs go to stderr. SIGINT and
// SIGTERM close it cleanly with exit code 0. With --data-dir, topics, logs, offsets and
// transactions survive a restart, and a crash (kill -9) loses nothing acknowledged.
import { pino } from "pino";
import { BrokerError, startBroker } from "../broker/index.js";
import { optionsHelp, parseCommandLine } from "./command-line.js";
import type { Command } from "./commands.js";

const USAGE = `Usage: eddy broker [options]

Runs a single-node Kafka-protocol broker for development and tests, in memory
or over a data directory that survives restarts and crashes.
Production runs on Apache Kafka.

Options:
${optionsHelp([
  ["--port <n>", "port to listen on (default 9092; 0 picks a free port)"],
  ["--host <host>", "interface to listen on (default 127.0.0.1)"],
  ["--advertised-host <host>", "host clients are told to connect to (default: --host)"],
  ["--partitions <n>", "partitions of auto-created topics (default 1)"],
  ["--no-auto-create", "do not create topics on first use"],
  [
    "--data-dir <dir>",
    "keep topics, logs, offsets and transactions in <dir>\n(created if missing; one broker per directory)",
  ],
  [
    "--max-connections <n>",
    "connections accepted at once, Kafka's max.connections\n(default 1000; more are closed as they arrive)",
  ],
  ["--connections-max-idle-ms <ms>", "close connections idle this long (default 600000)"],
  ["--log-level <level>", "fatal, error, warn, info, debug or trace (default info)"],
  ["-h, --help", "show this help"],
])}`;

function integerOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new Error(`--${name} must be a non-negative integer, got "${value}"`);
  return Number(value);
}

async function run(args: string[]): Promise<number> {
  const parsed = parseCommandLine(
    "broker",
    USAGE,
    args,
    {
      port: { type: "string" },
      host: { type: "string" },
      "advertised-host": { type: "string" },
      partitions: { type: "string" },
      "no-auto-create": { type: "boolean" },
      "data-dir": { type: "string" },
      "max-connections": { type: "string" },
      "connections-max-idle-ms": { type: "string" },
      "log-level": { type: "string" },
    },
    { positionals: false },
  );
  if (typeof parsed === "number") return parsed;
  const { values } = parsed;
  const level = values["log-level"] ?? process.env.EDDY_LOG_LEVEL ?? "info";
  if (!["fatal", "error", "warn", "info", "debug", "trace", "silent"].includes(level)) {
    process.stderr.write(`eddy broker: --log-level must be one of fatal, error, warn, info, debug, trace\n`);
    return 2;
  }
  let port: number | undefined;
  let defaultPartitions: number | undefined;
  let maxConnections: number | undefined;
  let connectionsMaxIdleMs: number | undefined;
  try {
    port = integerOption("port", values.port);
    defaultPartitions = integerOption("partitions", values.partitions);
    maxConnections = integerOption("max-connections", values["max-connections"]);
    connectionsMaxIdleMs = integerOption("connections-max-idle-ms", values["connections-max-idle-ms"]);
  } catch (error) {
    process.stderr.write(`eddy broker: ${(error as Error).message}\n`);
    return 2;
  }
  const logger = pino({ name: "eddy-broker", level }, pino.destination({ dest: 2, sync: true }));
  let broker;
  try {
    broker = await startBroker({
      port: port ?? 9092,
      host: values.host,
      advertisedHost: values["advertised-host"],
      defaultPartitions,
      autoCreateTopics: values["no-auto-create"] ? false : undefined,
      dataDir: values["data-dir"],
      maxConnections,
      connectionsMaxIdleMs,
      logger,
    });
  } catch (error) {
    if (!(error instanceof BrokerError)) throw error;
    process.stderr.write(`eddy broker: ${error.message}\n`);
    return 1;
  }
  process.stdout.write(`eddy broker listening on ${broker.host}:${broker.port}\n`);
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      logger.info({ signal }, "shutting down");
      void broker.close().then(resolve);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  return 0;
}

export const brokerCommand: Command = {
  name: "broker",
  summary: "run the embedded single-node Kafka broker (development and tests)",
  run,
};
