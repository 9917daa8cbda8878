// Topic-level configs: the names Kafka accepts, their types, validity rules and defaults,
// and the broker-level setting each falls back to (the synonym DescribeConfigs reports).
// Values are kept as strings, as the protocol carries them; LogConfig is their parsed form.
import type { LogConfig } from "../log/log-config.js";

const LONG_MAX = "9223372036854775807";
const INT_MAX = 2147483647;

type Kind = "long" | "int" | "double" | "boolean" | "string" | "list";

export interface ConfigDefinition {
  readonly name: string;
  readonly kind: Kind;
  readonly defaultValue: string;
  /** The broker config this topic config defaults to. */
  readonly brokerSynonym: string;
  readonly min?: number;
  readonly max?: number;
  readonly choices?: readonly string[];
  /** Kafka ConfigDef.Type as DescribeConfigs v3+ reports it (1 BOOLEAN .. 9 PASSWORD). */
  readonly configType: number;
}

const TYPE_BOOLEAN = 1;
const TYPE_STRING = 2;
const TYPE_INT = 3;
const TYPE_LONG = 5;
const TYPE_DOUBLE = 6;
const TYPE_LIST = 7;

function def(
  name: string,
  kind: Kind,
  defaultValue: string,
  brokerSynonym: string,
  rules: Pick<ConfigDefinition, "min" | "max" | "choices"> = {},
): ConfigDefinition {
  const configType = {
    long: TYPE_LONG,
    int: TYPE_INT,
    double: TYPE_DOUBLE,
    boolean: TYPE_BOOLEAN,
    string: TYPE_STRING,
    list: TYPE_LIST,
  }[kind];
  return { name, kind, defaultValue, brokerSynonym, configType, ...rules };
}

export const TOPIC_CONFIGS: readonly ConfigDefinition[] = [
  def("cleanup.policy", "list", "delete", "log.cleanup.policy", { choices: ["delete", "compact"] }),
  def("compression.type", "string", "producer", "compression.type", {
    choices: ["uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"],
  }),
  def("delete.retention.ms", "long", "86400000", "log.cleaner.delete.retention.ms", { min: 0 }),
  def("file.delete.delay.ms", "long", "60000", "log.segment.delete.delay.ms", { min: 0 }),
  def("flush.messages", "long", LONG_MAX, "log.flush.interval.messages", { min: 1 }),
  def("flush.ms", "long", LONG_MAX, "log.flush.interval.ms", { min: 0 }),
  def("index.interval.bytes", "int", "4096", "log.index.interval.bytes", { min: 0 }),
  def("max.compaction.lag.ms", "long", LONG_MAX, "log.cleaner.max.compaction.lag.ms", { min: 1 }),
  def("max.message.bytes", "int", "1048588", "message.max.bytes", { min: 0 }),
  def("message.timestamp.after.max.ms", "long", LONG_MAX, "log.message.timestamp.after.max.ms", { min: 0 }),
  def("message.timestamp.before.max.ms", "long", LONG_MAX, "log.message.timestamp.before.max.ms", { min: 0 }),
  def("message.timestamp.difference.max.ms", "long", LONG_MAX, "log.message.timestamp.difference.max.ms", { min: 0 }),
  def("message.timestamp.type", "string", "CreateTime", "log.message.timestamp.type", {
    choices: ["CreateTime", "LogAppendTime"],
  }),
  def("min.cleanable.dirty.ratio", "double", "0.5", "log.cleaner.min.cleanable.ratio", { min: 0, max: 1 }),
  def("min.compaction.lag.ms", "long", "0", "log.cleaner.min.compaction.lag.ms", { min: 0 }),
  def("min.insync.replicas", "int", "1", "min.insync.replicas", { min: 1 }),
  def("preallocate", "boolean", "false", "log.preallocate"),
  def("retention.bytes", "long", "-1", "log.retention.bytes"),
  def("retention.ms", "long", "604800000", "log.retention.ms", { min: -1 }),
  def("segment.bytes", "int", "1073741824", "log.segment.bytes", { min: 14 }),
  def("segment.index.bytes", "int", "10485760", "log.index.size.max.bytes", { min: 4 }),
  def("segment.jitter.ms", "long", "0", "log.roll.jitter.ms", { min: 0 }),
  def("segment.ms", "long", "604800000", "log.roll.ms", { min: 1 }),
  def("unclean.leader.election.enable", "boolean", "false", "unclean.leader.election.enable"),
];

const BY_NAME = new Map(TOPIC_CONFIGS.map((d) => [d.name, d]));

export function configDefinition(name: string): ConfigDefinition | undefined {
  return BY_NAME.get(name);
}

/** A config name or value Kafka would refuse; answered with INVALID_CONFIG and this message. */
export class InvalidTopicConfig extends Error {}

/** Checks one value; returns its canonical string, or throws InvalidTopicConfig naming the problem. */
export function normalizeConfigValue(name: string, value: string | null): string {
  const definition = BY_NAME.get(name);
  if (!definition) throw new InvalidTopicConfig(`Unknown topic config name: ${name}`);
  if (value === null) throw new InvalidTopicConfig(`Null value not supported for topic configs: ${name}`);
  const trimmed = value.trim();
  const invalid = (why: string): never => {
    throw new InvalidTopicConfig(`Invalid value ${value} for configuration ${name}: ${why}`);
  };
  switch (definition.kind) {
    case "long":
    case "int": {
      if (!/^-?\d+$/.test(trimmed)) invalid(`Not a number of type ${definition.kind.toUpperCase()}`);
      const big = BigInt(trimmed);
      const upper = definition.kind === "int" ? BigInt(INT_MAX) : BigInt(LONG_MAX);
      const lower = definition.kind === "int" ? BigInt(-INT_MAX - 1) : -BigInt(LONG_MAX) - 1n;
      if (big > upper || big < lower) invalid(`Not a number of type ${definition.kind.toUpperCase()}`);
      if (definition.min !== undefined && big < BigInt(definition.min))
        invalid(`Value must be at least ${definition.min}`);
      return big.toString();
    }
    case "double": {
      const number = Number(trimmed);
      if (trimmed === "" || !Number.isFinite(number)) invalid("Not a number of type DOUBLE");
      if (definition.min !== undefined && number < definition.min) invalid(`Value must be at least ${definition.min}`);
      if (definition.max !== undefined && number > definition.max)
        invalid(`Value must be no more than ${definition.max}`);
      return String(number);
    }
    case "boolean": {
      const lower = trimmed.toLowerCase();
      if (lower !== "true" && lower !== "false") invalid("Expected value to be either true or false");
      return lower;
    }
    case "string": {
      // Kafka's ValidString is case-sensitive.
      const choices = definition.choices ?? [];
      if (choices.length > 0 && !choices.includes(trimmed)) invalid(`String must be one of: ${choices.join(", ")}`);
      return trimmed;
    }
    case "list": {
      const items = trimmed.split(",").map((item) => item.trim());
      const choices = definition.choices ?? [];
      if (items.length === 0 || items.some((item) => !choices.includes(item))) {
        invalid(`Invalid value(s) for ${name}; valid values are ${choices.join(", ")}`);
      }
      return [...new Set(items)].join(",");
    }
  }
}

/** Validates a whole set of overrides (CreateTopics, AlterConfigs); returns them normalized. */
export function normalizeConfigs(entries: readonly { name: string; value: string | null }[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const { name, value } of entries) out.set(name, normalizeConfigValue(name, value));
  return out;
}

function toNumber(value: string): number {
  return Number(value);
}

/** The parsed config a partition log obeys: overrides over defaults. */
export function toLogConfig(overrides: ReadonlyMap<string, string>): LogConfig {
  const value = (name: string): string => overrides.get(name) ?? BY_NAME.get(name)!.defaultValue;
  const policies = value("cleanup.policy").split(",");
  return {
    cleanupPolicy: { delete: policies.includes("delete"), compact: policies.includes("compact") },
    retentionMs: toNumber(value("retention.ms")),
    retentionBytes: toNumber(value("retention.bytes")),
    segmentBytes: toNumber(value("segment.bytes")),
    segmentMs: toNumber(value("segment.ms")),
    deleteRetentionMs: toNumber(value("delete.retention.ms")),
    minCompactionLagMs: toNumber(value("min.compaction.lag.ms")),
    maxCompactionLagMs: toNumber(value("max.compaction.lag.ms")),
    minCleanableDirtyRatio: toNumber(value("min.cleanable.dirty.ratio")),
    maxMessageBytes: toNumber(value("max.message.bytes")),
    minInsyncReplicas: toNumber(value("min.insync.replicas")),
    messageTimestampType: value("message.timestamp.type") === "LogAppendTime" ? "LogAppendTime" : "CreateTime",
    // The deprecated difference bound still applies where it is tighter (as in Kafka 3.6+).
    messageTimestampBeforeMaxMs: Math.min(
      toNumber(value("message.timestamp.before.max.ms")),
      toNumber(value("message.timestamp.difference.max.ms")),
    ),
    messageTimestampAfterMaxMs: Math.min(
      toNumber(value("message.timestamp.after.max.ms")),
      toNumber(value("message.timestamp.difference.max.ms")),
    ),
    compressionType: value("compression.type"),
    flushMessages: toNumber(value("flush.messages")),
    flushMs: toNumber(value("flush.ms")),
  };
}
