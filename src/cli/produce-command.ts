// `eddy produce <topic>`: writes one record, keyed and partitioned as a Java producer
// would (murmur2 of the key bytes), with headers. For trying an app out by hand.
import { pino } from "pino";
import { loadKafkaConnection } from "../config/config-loader.js";
import { ConfigError } from "../config/errors.js";
import { KafkaAdmin } from "../kafka/admin-client.js";
import { createKafkaClient } from "../kafka/client.js";
import { IdempotentProducer } from "../kafka/idempotent-producer.js";
import { partitionForKey } from "../kafka/partitioner.js";
import type { KafkaHeader } from "../kafka/types.js";
import { Serdes } from "../serdes/serdes.js";
import { optionsHelp, parseCommandLine, usageError } from "./command-line.js";
import type { Command } from "./commands.js";

const USAGE = `Usage: eddy produce <topic> --key <key> --value <JSON> [options]

Produces one record. The key is written as text (UTF-8, as Java's StringSerializer),
or with --key-format long as 8 bytes (LongSerializer), or as JSON; the value is JSON
(checked) unless --value-format string.

Options:
${optionsHelp([
  ["--key <key>", "the record key (omit for a null key, spread round-robin)"],
  ["--value <JSON>", "the record value"],
  ["--tombstone", "a null value instead of --value (deletes the key in a table)"],
  ["--header <name=value>", "a header; repeat for more"],
  ["--partition <n>", "this partition instead of the key's"],
  ["--key-format <f>", "string (default), long or json"],
  ["--value-format <f>", "json (default) or string"],
  [
    "--bootstrap <host:port>",
    "bootstrap servers, comma-separated (default $EDDY_BOOTSTRAP_SERVERS, else 127.0.0.1:9092)",
  ],
  ["-h, --help", "show this help"],
])}

TLS and SASL come from the variables eddy run reads: EDDY_SSL, EDDY_SSL_CA, EDDY_SSL_CERT,
EDDY_SSL_KEY, EDDY_SASL_MECHANISM, EDDY_SASL_USERNAME, EDDY_SASL_PASSWORD, ...`;

function keyBytes(key: string, format: string): Buffer {
  switch (format) {
    case "string":
      return Serdes.string().serialize(key);
    case "long":
      if (!/^-?\d+$/.test(key)) throw new Error(`--key must be an integer with --key-format long, got "${key}"`);
      return Serdes.long().serialize(BigInt(key));
    case "json":
      return Buffer.from(JSON.stringify(JSON.parse(key)));
    default:
      throw new Error(`--key-format must be string, long or json, got "${format}"`);
  }
}

async function run(args: string[]): Promise<number> {
  const parsed = parseCommandLine("produce", USAGE, args, {
    key: { type: "string" },
    value: { type: "string" },
    tombstone: { type: "boolean" },
    header: { type: "string", multiple: true },
    partition: { type: "string" },
    "key-format": { type: "string" },
    "value-format": { type: "string" },
    bootstrap: { type: "string" },
  });
  if (typeof parsed === "number") return parsed;
  const { values, positionals } = parsed;
  const [topic, ...extra] = positionals;
  if (topic === undefined || extra.length > 0) return usageError("produce", USAGE, "expected one topic");
  if ((values.value === undefined) === (values.tombstone !== true))
    return usageError("produce", USAGE, "give either --value or --tombstone");
  let key: Buffer | null;
  let value: Buffer | null = null;
  const headers: KafkaHeader[] = [];
  try {
    key = values.key === undefined ? null : keyBytes(values.key, values["key-format"] ?? "string");
    if (values.value !== undefined) {
      const format = values["value-format"] ?? "json";
      if (format === "json") JSON.parse(values.value);
      else if (format !== "string") throw new Error(`--value-format must be json or string, got "${format}"`);
      value = Buffer.from(values.value, "utf8");
    }
    for (const header of values.header ?? []) {
      const at = header.indexOf("=");
      if (at <= 0) throw new Error(`--header must be name=value, got "${header}"`);
      headers.push({ key: header.slice(0, at), value: Buffer.from(header.slice(at + 1), "utf8") });
    }
    if (values.partition !== undefined && !/^\d+$/.test(values.partition))
      throw new Error("--partition must be a non-negative integer");
  } catch (error) {
    return usageError("produce", USAGE, error);
  }

  // Bootstrap servers, TLS and SASL as `eddy run` reads them: EDDY_BOOTSTRAP_SERVERS,
  // EDDY_SSL, EDDY_SSL_CA, EDDY_SASL_MECHANISM, ...
  let connection;
  try {
    connection = loadKafkaConnection({
      overrides: { bootstrapServers: values.bootstrap ?? (process.env.EDDY_BOOTSTRAP_SERVERS || "127.0.0.1:9092") },
    });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`eddy produce: ${error.message}\n`);
    return 2;
  }
  const logger = pino({ level: process.env.EDDY_LOG_LEVEL ?? "warn" }, pino.destination({ dest: 2, sync: true }));
  const kafka = createKafkaClient({
    clientId: "eddy-produce",
    brokers: [...connection.bootstrapServers],
    ssl: connection.ssl,
    ...(connection.sasl === undefined ? {} : { sasl: connection.sasl }),
    logger,
    retry: { retries: 2 },
  });
  const admin = new KafkaAdmin(kafka, logger);
  const producer = new IdempotentProducer(kafka);
  try {
    await admin.connect();
    const partitions = (await admin.partitionCounts([topic])).get(topic);
    if (partitions === undefined) {
      process.stderr.write(`eddy produce: topic "${topic}" does not exist\n`);
      return 1;
    }
    const partition =
      values.partition !== undefined
        ? Number(values.partition)
        : key === null
          ? Math.floor(Math.random() * partitions)
          : partitionForKey(key, partitions);
    if (partition >= partitions) {
      process.stderr.write(
        `eddy produce: topic "${topic}" has ${partitions} partitions; there is no partition ${partition}\n`,
      );
      return 1;
    }
    await producer.connect();
    const [written] = await producer.send([{ topic, partition, key, value, headers, timestamp: Date.now() }]);
    process.stdout.write(`${topic}-${partition}@${written?.baseOffset ?? "?"}\n`);
    return 0;
  } finally {
    await producer.close().catch(() => undefined);
    await admin.close().catch(() => undefined);
  }
}

export const produceCommand: Command = {
  name: "produce",
  summary: "produce one record to a topic (key, JSON value, headers)",
  run,
};
