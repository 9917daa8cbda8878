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
  /** The broker config this topic config defaults to; null where Kafka has none. */
  readonly brokerSynonym: string | null;
  /**
   * Whether DescribeConfigs lists the broker synonym as DEFAULT_CONFIG: Kafka does not where
   * the broker config has no default of its own (log.retention.ms, log.roll.ms and
   * log.roll.jitter.ms fall back to the hours settings, log.flush.interval.ms to the flush
   * scheduler's, which Kafka does not list).
   */
  readonly synonymDescribed: boolean;
  readonly min?: number;
  readonly max?: number;
  /** Values allowed outside min..max (gzip's -1, "the codec's default"). */
  readonly alsoAllowed?: readonly number[];
  readonly choices?: readonly string[];
  /** For lists without choices: the shape every item must have. */
  readonly itemPattern?: RegExp;
  /** For strings without choices: the shape the value must have. */
  readonly pattern?: RegExp;
  /** A valid value Kafka still refuses on a broker like this one, and why. */
  readonly refuse?: { readonly value: string; readonly reason: string };
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
  brokerSynonym: string | null,
  rules: Partial<
    Pick<
      ConfigDefinition,
      "min" | "max" | "choices" | "alsoAllowed" | "itemPattern" | "pattern" | "refuse" | "synonymDescribed"
    >
  > = {},
): ConfigDefinition {
  const configType = {
    long: TYPE_LONG,
    int: TYPE_INT,
    double: TYPE_DOUBLE,
    boolean: TYPE_BOOLEAN,
    string: TYPE_STRING,
    list: TYPE_LIST,
  }[kind];
  return { name, kind, defaultValue, brokerSynonym, configType, synonymDescribed: brokerSynonym !== null, ...rules };
}

/** Kafka's ThrottledReplicaListValidator: "*" or partition:broker pairs. */
const THROTTLED_REPLICAS = /^(\*|\d+:\d+)$/;

// Kafka 3.9's topic configs (4.x drops message.downconversion.enable, message.format.version
// and message.timestamp.difference.max.ms and adds a few: src/broker/README.md). The
// compression levels, throttles and tiered-storage settings are accepted and described as
// Kafka does; this broker stores batches as produced and has no replicas or remote tier.
export const TOPIC_CONFIGS: readonly ConfigDefinition[] = [
  def("cleanup.policy", "list", "delete", "log.cleanup.policy", { choices: ["delete", "compact"] }),
  def("compression.gzip.level", "int", "-1", "compression.gzip.level", { min: 1, max: 9, alsoAllowed: [-1] }),
  def("compression.lz4.level", "int", "9", "compression.lz4.level", { min: 1, max: 17 }),
  def("compression.type", "string", "producer", "compression.type", {
    choices: ["uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"],
  }),
  def("compression.zstd.level", "int", "3", "compression.zstd.level", { min: -131072, max: 22 }),
  def("delete.retention.ms", "long", "86400000", "log.cleaner.delete.retention.ms", { min: 0 }),
  def("file.delete.delay.ms", "long", "60000", "log.segment.delete.delay.ms", { min: 0 }),
  def("flush.messages", "long", LONG_MAX, "log.flush.interval.messages", { min: 1 }),
  def("flush.ms", "long", LONG_MAX, "log.flush.interval.ms", { min: 0, synonymDescribed: false }),
  def("follower.replication.throttled.replicas", "list", "", null, { itemPattern: THROTTLED_REPLICAS }),
  def("index.interval.bytes", "int", "4096", "log.index.interval.bytes", { min: 0 }),
  def("leader.replication.throttled.replicas", "list", "", null, { itemPattern: THROTTLED_REPLICAS }),
  def("local.retention.bytes", "long", "-2", "log.local.retention.bytes", { min: -2 }),
  def("local.retention.ms", "long", "-2", "log.local.retention.ms", { min: -2 }),
  def("max.compaction.lag.ms", "long", LONG_MAX, "log.cleaner.max.compaction.lag.ms", { min: 1 }),
  def("max.message.bytes", "int", "1048588", "message.max.bytes", { min: 0 }),
  def("message.downconversion.enable", "boolean", "true", "log.message.downconversion.enable"),
  def("message.format.version", "string", "3.0-IV1", "log.message.format.version", {
    pattern: /^\d+\.\d+(\.\d+)?(-IV\d+)?$/,
  }),
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
  def("remote.log.copy.disable", "boolean", "false", null),
  def("remote.log.delete.on.disable", "boolean", "false", null),
  def("remote.storage.enable", "boolean", "false", null, {
    refuse: {
      value: "true",
      reason:
        "Tiered Storage functionality is disabled in the broker. Topic cannot be configured with remote log storage.",
    },
  }),
  def("retention.bytes", "long", "-1", "log.retention.bytes"),
  def("retention.ms", "long", "604800000", "log.retention.ms", { min: -1, synonymDescribed: false }),
  def("segment.bytes", "int", "1073741824", "log.segment.bytes", { min: 14 }),
  def("segment.index.bytes", "int", "10485760", "log.index.size.max.bytes", { min: 4 }),
  def("segment.jitter.ms", "long", "0", "log.roll.jitter.ms", { min: 0, synonymDescribed: false }),
  def("segment.ms", "long", "604800000", "log.roll.ms", { min: 1, synonymDescribed: false }),
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
      if (definition.alsoAllowed?.some((allowed) => BigInt(allowed) === big)) return big.toString();
      if (definition.min !== undefined && big < BigInt(definition.min))
        invalid(`Value must be at least ${definition.min}`);
      if (definition.max !== undefined && big > BigInt(definition.max))
        invalid(`Value must be no more than ${definition.max}`);
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
      if (definition.refuse?.value === lower) throw new InvalidTopicConfig(definition.refuse.reason);
      return lower;
    }
    case "string": {
      // Kafka's ValidString is case-sensitive.
      const choices = definition.choices ?? [];
      if (choices.length > 0 && !choices.includes(trimmed)) invalid(`String must be one of: ${choices.join(", ")}`);
      if (definition.pattern !== undefined && !definition.pattern.test(trimmed)) invalid("Invalid value");
      return trimmed;
    }
    case "list": {
      const items = trimmed.split(",").map((item) => item.trim());
      if (definition.itemPattern !== undefined) {
        if (trimmed === "") return "";
        if (items.some((item) => !definition.itemPattern!.test(item)))
          invalid(
            "must be the literal '*' or a list of replicas in the following format: [partitionId]:[brokerId],...",
          );
        return items.join(",");
      }
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
