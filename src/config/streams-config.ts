// The KafkaStreams configuration: a zod schema that validates what the user passes,
// fills in Kafka Streams' defaults, and names every bad field in one error.
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { apiConfigShape } from "./api-config.js";
import { ConfigError } from "./errors.js";
import type { ConfigIssue } from "./errors.js";
import { saslSchema, sslSchema } from "./kafka-security-config.js";
import { securityFileIssues } from "./security-files.js";

/**
 * exactly_once_v2 (KIP-447, the default): one transactional producer and one transaction per
 * stream thread, zombies fenced by the group's generation. exactly_once (v1, deprecated as in
 * Kafka Streams 3.0): a transactional producer per task. at_least_once: no transactions.
 */
export const PROCESSING_GUARANTEES = ["exactly_once_v2", "exactly_once", "at_least_once"] as const;
export type ProcessingGuarantee = (typeof PROCESSING_GUARANTEES)[number];

export const EXCEPTION_HANDLERS = ["fail", "continue-and-dead-letter"] as const;
export type ExceptionHandlerMode = (typeof EXCEPTION_HANDLERS)[number];
const PRODUCTION_EXCEPTION_HANDLERS = ["fail", "continue"] as const;
export type ProductionExceptionHandlerMode = (typeof PRODUCTION_EXCEPTION_HANDLERS)[number];

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** As in Kafka Streams: 100 ms under exactly-once (transactions must stay short), 30 s otherwise. */
export const DEFAULT_COMMIT_INTERVAL_MS: Record<ProcessingGuarantee, number> = {
  exactly_once_v2: 100,
  exactly_once: 100,
  at_least_once: 30_000,
};

// Kafka's legal topic characters; the application id prefixes every internal topic,
// the consumer group and the transactional ids, so it must be a valid topic name part.
const TOPIC_NAME_PART = /^[a-zA-Z0-9._-]+$/;
const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[^\s:/[\]]+):(\d{1,5})$/;
// A topic name is at most 249 characters; leave room for "-<store>-changelog".
const MAX_APPLICATION_ID_LENGTH = 200;

const hostPort = z.string().refine(isHostPort, { error: "must be host:port with a port in 1..65535" });

function isHostPort(value: string): boolean {
  const match = HOST_PORT.exec(value);
  if (!match) return false;
  const port = Number(match[2]);
  return port >= 1 && port <= 65_535;
}

export const bootstrapServersSchema = z
  .union([z.string(), z.array(z.string())], {
    error: "must be an array of host:port or a comma-separated string of them",
  })
  .transform((value) =>
    (Array.isArray(value) ? value : value.split(",")).map((server) => server.trim()).filter((s) => s !== ""),
  )
  .pipe(z.array(hostPort).min(1, { error: "must list at least one host:port" }));

const positiveInt = (what: string) =>
  z
    .number({ error: `must be a number (${what})` })
    .int({ error: "must be an integer" })
    .positive({ error: "must be > 0" });
const nonNegativeInt = (what: string) =>
  z
    .number({ error: `must be a number (${what})` })
    .int({ error: "must be an integer" })
    .min(0, { error: "must be >= 0" });

/**
 * The built-in serdes a config names (Serdes.<name>() of src/serdes/serdes.ts); in
 * code, a serde object is accepted too. Kept here because the config layer imports
 * nothing but errors; a test checks that every name is a serde.
 */
export const SERDE_NAMES = ["string", "json", "msgpack", "bytes", "int32", "long", "bigint", "double"] as const;
export type SerdeName = (typeof SERDE_NAMES)[number];

/** What a serde object must offer (checked structurally: the config layer does not import serdes). */
export interface ConfiguredSerde {
  readonly name: string;
  serialize(value: never, context?: never): Buffer;
  deserialize(bytes: Buffer, context?: never): unknown;
}

const serdeSetting = z.union(
  [
    z.enum(SERDE_NAMES),
    z.custom<ConfiguredSerde>(
      (value) =>
        typeof value === "object" &&
        value !== null &&
        typeof (value as { serialize?: unknown }).serialize === "function" &&
        typeof (value as { deserialize?: unknown }).deserialize === "function" &&
        typeof (value as { name?: unknown }).name === "string",
    ),
  ],
  { error: `must be a serde (an object with name, serialize and deserialize) or one of ${SERDE_NAMES.join(", ")}` },
);

/** Kafka Streams' statestore.cache.max.bytes default: 10 MiB. */
export const DEFAULT_CACHE_MAX_BYTES = 10 * 1024 * 1024;

/** Kafka Streams' built-in extractors (src/topology/timestamp-extractor.ts), by name; a function in code. */
export const TIMESTAMP_EXTRACTOR_NAMES = [
  "failOnInvalidTimestamp",
  "logAndSkipOnInvalidTimestamp",
  "usePartitionTimeOnInvalidTimestamp",
  "wallclockTimestampExtractor",
] as const;

export type ConfiguredTimestampExtractor =
  (typeof TIMESTAMP_EXTRACTOR_NAMES)[number] | ((record: never, partitionTime: number) => number);

const timestampExtractorSetting = z.union(
  [
    z.enum(TIMESTAMP_EXTRACTOR_NAMES),
    z.custom<(record: never, partitionTime: number) => number>((value) => typeof value === "function"),
  ],
  {
    error: `must be a function (record, partitionTime) => timestamp or one of ${TIMESTAMP_EXTRACTOR_NAMES.join(", ")}`,
  },
);

/** Kafka Streams' StreamsConfig.ROCKS_DB (Eddy's persistent LevelDB stores) and IN_MEMORY. */
const dslStoreSetting = z.enum(["rocksDB", "in_memory"], { error: "must be 'rocksDB' or 'in_memory'" });

/** Kafka Streams' topology.optimization values (src/topology/topology-optimization.ts applies them). */
const OPTIMIZATION_RULES = ["reuse.ktable.source.topics", "merge.repartition.topics", "single.store.self.join"];
const topologyOptimizationSetting = z.string({ error: "must be a string" }).refine(
  (value) => {
    const configs = value.trim().split(/\s*,\s*/);
    if (configs.length === 1 && (configs[0] === "none" || configs[0] === "all")) return true;
    return configs.every((config) => OPTIMIZATION_RULES.includes(config));
  },
  {
    error: `is not a valid optimization config. Acceptable values are: "none", "all", or a comma separated list of specific optimizations: (${OPTIMIZATION_RULES.map((rule) => `"${rule}"`).join(", ")})`,
  },
);

export const streamsConfigSchema = z
  .strictObject({
    /** Names the consumer group, prefixes internal topics and transactional ids. */
    applicationId: z
      .string({ error: "is required: a non-empty string of [a-zA-Z0-9._-]" })
      .min(1, { error: "must not be empty" })
      .max(MAX_APPLICATION_ID_LENGTH, { error: `must be at most ${MAX_APPLICATION_ID_LENGTH} characters` })
      .regex(TOPIC_NAME_PART, { error: "may only contain a-z, A-Z, 0-9, '.', '_' and '-' (it prefixes topic names)" }),
    bootstrapServers: bootstrapServersSchema,
    /** Where each task keeps its LevelDB: `<stateDir>/<applicationId>/<taskId>/`. */
    stateDir: z.string().min(1, { error: "must not be empty" }).default(join(tmpdir(), "eddy-streams")),
    processingGuarantee: z
      .enum(PROCESSING_GUARANTEES, { error: "must be 'exactly_once_v2', 'exactly_once' or 'at_least_once'" })
      .default("exactly_once_v2"),
    /** How often tasks commit; defaults by processingGuarantee (see DEFAULT_COMMIT_INTERVAL_MS). */
    commitIntervalMs: nonNegativeInt("milliseconds").optional(),
    numStandbyReplicas: nonNegativeInt("replicas").default(0),
    /** host:port where this instance serves interactive queries; travels in the group metadata. */
    applicationServer: hostPort.optional(),
    /** Interface the HTTP API listens on; by default the host of applicationServer. */
    apiListenHost: z
      .string({ error: "must be a host name or an IP address, e.g. 0.0.0.0" })
      .regex(/^[^\s/]+$/, { error: "must be a host name or an IP address (no port, no spaces), e.g. 0.0.0.0" })
      .optional(),
    ...apiConfigShape,
    /** Replication factor of the internal topics; -1 takes the broker's default. */
    replicationFactor: z
      .number({ error: "must be a number" })
      .int({ error: "must be an integer" })
      .refine((n) => n === -1 || n >= 1, { error: "must be -1 (broker default) or >= 1" })
      .default(-1),
    sessionTimeoutMs: positiveInt("milliseconds").default(45_000),
    heartbeatIntervalMs: positiveInt("milliseconds").default(3_000),
    /** How long the group waits for members to rejoin (kafkajs' rebalanceTimeout). */
    rebalanceTimeoutMs: positiveInt("milliseconds").default(60_000),
    /** Kafka Streams sets transaction.timeout.ms to 10 s under exactly-once, so a zombie's transaction ends quickly. */
    transactionTimeoutMs: positiveInt("milliseconds").default(10_000),
    /** Kafka's delivery.timeout.ms: how long a send is retried before it fails the task's work (retried from its commit). */
    deliveryTimeoutMs: positiveInt("milliseconds").default(120_000),
    /**
     * Kafka Streams' task.timeout.ms: how long a task or the group consumer may keep
     * failing on an unreachable broker (or a leader or coordinator that cannot be found)
     * before the instance gives up and goes to ERROR.
     */
    taskTimeoutMs: nonNegativeInt("milliseconds").default(300_000),
    /** Longest wait of a fetch when no data is available. */
    fetchMaxWaitMs: positiveInt("milliseconds").default(500),
    /** How often processed records are deleted from repartition topics (Kafka Streams' repartition.purge.interval.ms). */
    repartitionPurgeIntervalMs: positiveInt("milliseconds").default(30_000),
    /** How often the topics are listed again for pattern subscriptions (Kafka's metadata.max.age.ms). */
    metadataMaxAgeMs: positiveInt("milliseconds").default(300_000),
    deserializationExceptionHandler: z
      .enum(EXCEPTION_HANDLERS, { error: "must be 'fail' or 'continue-and-dead-letter'" })
      .default("continue-and-dead-letter"),
    processingExceptionHandler: z
      .enum(EXCEPTION_HANDLERS, { error: "must be 'fail' or 'continue-and-dead-letter'" })
      .default("fail"),
    /** Kafka Streams' statestore.cache.max.bytes: the record cache of the instance's tasks (0 turns it off). */
    cacheMaxBytes: nonNegativeInt("bytes").default(DEFAULT_CACHE_MAX_BYTES),
    /**
     * Each task's LevelDB, and the global stores': the memtable size (LevelDB's write_buffer_size) and the block cache.
     * Unset, Eddy's defaults (stores/leveldb-tuning.ts: 1 MiB and 4 MiB, paid once per task).
     */
    leveldbWriteBufferBytes: positiveInt("bytes")
      .min(64 * 1024, { error: "must be >= 65536 (LevelDB's least)" })
      .optional(),
    leveldbBlockCacheBytes: positiveInt("bytes").optional(),
    /** Kafka Streams' default.key.serde / default.value.serde: for wherever the topology gives none. */
    defaultKeySerde: serdeSetting.optional(),
    defaultValueSerde: serdeSetting.optional(),
    /**
     * Kafka Streams' dsl.store.suppliers.class and default.dsl.store: the kind of the DSL's
     * stores where neither the operation nor the StreamsBuilder's TopologyConfig chose one,
     * "rocksDB" (Eddy's persistent LevelDB stores, the default) or "in_memory".
     */
    dslStoreSuppliers: dslStoreSetting.optional(),
    defaultDslStore: dslStoreSetting.optional(),
    /**
     * Kafka Streams' topology.optimization, which the StreamsBuilder applies when it is given
     * this config: builder.build(config).
     */
    topologyOptimization: topologyOptimizationSetting.default("none"),
    /** Kafka Streams' default.timestamp.extractor. */
    defaultTimestampExtractor: timestampExtractorSetting.default("failOnInvalidTimestamp"),
    /** An output record its topic's broker would refuse (too large, no key on a compacted topic, timestamp out of range). */
    productionExceptionHandler: z
      .enum(PRODUCTION_EXCEPTION_HANDLERS, { error: "must be 'fail' or 'continue'" })
      .default("fail"),
    logLevel: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` }).default("info"),
    /** Prefix of the Kafka client ids; defaults to the application id. */
    clientId: z.string().min(1).optional(),
    /** Eddy's faster paths through kafkajs' internals; they engage only on the kafkajs version they were written for. */
    kafkajsFastPaths: z.boolean({ error: "must be true or false" }).default(true),
    ssl: sslSchema.default(false),
    sasl: saslSchema.optional(),
  })
  .superRefine((config, ctx) => {
    if (config.heartbeatIntervalMs >= config.sessionTimeoutMs) {
      ctx.addIssue({
        code: "custom",
        path: ["heartbeatIntervalMs"],
        message: `must be lower than sessionTimeoutMs (${config.sessionTimeoutMs}); about a third of it is usual`,
      });
    }
  });

export type StreamsConfig = z.input<typeof streamsConfigSchema>;

/** The config with every default applied. */
export interface ResolvedStreamsConfig extends Omit<
  z.output<typeof streamsConfigSchema>,
  "commitIntervalMs" | "clientId"
> {
  commitIntervalMs: number;
  clientId: string;
}

/** Validates and completes a config; throws a ConfigError that names every bad field. */
export function parseStreamsConfig(input: unknown): ResolvedStreamsConfig {
  const result = streamsConfigSchema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map(toConfigIssue));
  }
  const config = result.data;
  const fileIssues = securityFileIssues(config);
  if (fileIssues.length > 0) throw new ConfigError(fileIssues);
  return {
    ...config,
    commitIntervalMs: config.commitIntervalMs ?? DEFAULT_COMMIT_INTERVAL_MS[config.processingGuarantee],
    clientId: config.clientId ?? config.applicationId,
  };
}

export function toConfigIssue(issue: z.core.$ZodIssue): ConfigIssue {
  const field = issue.path.reduce<string>(
    (path, part) =>
      typeof part === "number" ? `${path}[${part}]` : path === "" ? String(part) : `${path}.${String(part)}`,
    "",
  );
  if (issue.code === "unrecognized_keys") {
    const prefix = field === "" ? "" : `${field}.`;
    return { field: issue.keys.map((key) => prefix + key).join(", "), message: "unknown field; check the spelling" };
  }
  if (field === "")
    return { field: "(config)", message: "must be an object with at least applicationId and bootstrapServers" };
  return { field, message: issue.message };
}
