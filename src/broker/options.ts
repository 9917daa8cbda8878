// The options of startBroker() and `eddy broker`, checked up front: a bad option fails
// fast with an error naming it, before any socket is opened.
import type { Logger } from "pino";
import { InvalidBrokerOptionError } from "./errors.js";

export interface BrokerOptions {
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** The host clients are told to connect to (default: `host`, or 127.0.0.1 when listening on all interfaces). */
  advertisedHost?: string;
  /** broker.id / node.id (default 1). */
  nodeId?: number;
  /** Partitions of automatically created topics, Kafka's num.partitions (default 1). */
  defaultPartitions?: number;
  /** Kafka's auto.create.topics.enable (default true). */
  autoCreateTopics?: boolean;
  /**
   * Directory for topics, logs, committed offsets and transaction state, which then survive a
   * restart and a crash (src/broker/README.md describes the layout). Without it the broker keeps
   * everything in memory.
   */
  dataDir?: string;
  /** Bounds a member's session timeout (Kafka: group.min.session.timeout.ms, default 6000). */
  groupMinSessionTimeoutMs?: number;
  /** Kafka: group.max.session.timeout.ms (default 1800000). */
  groupMaxSessionTimeoutMs?: number;
  /** Kafka: group.initial.rebalance.delay.ms (default 0, as Kafka's shipped server.properties sets it). */
  groupInitialRebalanceDelayMs?: number;
  /** Largest request accepted, Kafka's socket.request.max.bytes (default 100 MiB); also what one connection may hold of unanswered requests. */
  maxRequestBytes?: number;
  /** Kafka's connections.max.idle.ms: a connection with nothing in progress for this long is closed (default 600000). */
  connectionsMaxIdleMs?: number;
  /** Kafka's max.connections: connections beyond this many are closed as they arrive (default 1000; Kafka's is unlimited). */
  maxConnections?: number;
  /** Longest transaction timeout a producer may ask for, Kafka's transaction.max.timeout.ms (default 900000). */
  transactionMaxTimeoutMs?: number;
  /** Kafka's transactional.id.expiration.ms: idle transactional ids are forgotten (default 7 days). */
  transactionalIdExpirationMs?: number;
  /** Kafka's producer.id.expiration.ms: idle producers' state is dropped from partitions (default 1 day). */
  producerIdExpirationMs?: number;
  /** Kafka's log.cleaner.backoff.ms: how often the cleaner looks for partitions to compact (default 15000). */
  logCleanerBackoffMs?: number;
  /** Kafka's log.retention.check.interval.ms: how often retention runs (default 300000). */
  logRetentionCheckIntervalMs?: number;
  /** Structured logger; by default pino at EDDY_LOG_LEVEL (or "warn") on stderr. */
  logger?: Logger;
}

export interface ResolvedBrokerOptions {
  host: string;
  port: number;
  advertisedHost: string;
  nodeId: number;
  defaultPartitions: number;
  autoCreateTopics: boolean;
  groupMinSessionTimeoutMs: number;
  groupMaxSessionTimeoutMs: number;
  groupInitialRebalanceDelayMs: number;
  maxRequestBytes: number;
  connectionsMaxIdleMs: number;
  maxConnections: number;
  dataDir: string | null;
  transactionMaxTimeoutMs: number;
  transactionalIdExpirationMs: number;
  producerIdExpirationMs: number;
  logCleanerBackoffMs: number;
  logRetentionCheckIntervalMs: number;
  /** Which options the caller set (DescribeConfigs reports them as STATIC_BROKER_CONFIG). */
  explicit: ReadonlySet<keyof BrokerOptions>;
}

/**
 * Kafka's max.connections is unlimited; one broker process on one event loop is not, and each
 * connection may hold up to socket.request.max.bytes of unanswered requests.
 */
const DEFAULT_MAX_CONNECTIONS = 1000;

function integer(option: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidBrokerOptionError(option, `must be an integer from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}

export function resolveBrokerOptions(options: BrokerOptions = {}): ResolvedBrokerOptions {
  if (options.dataDir !== undefined && (typeof options.dataDir !== "string" || options.dataDir.length === 0)) {
    throw new InvalidBrokerOptionError("dataDir", "must be a non-empty path");
  }
  const host = options.host ?? "127.0.0.1";
  if (typeof host !== "string" || host.length === 0)
    throw new InvalidBrokerOptionError("host", "must be a non-empty string");
  const wildcard = host === "0.0.0.0" || host === "::";
  const advertisedHost = options.advertisedHost ?? (wildcard ? "127.0.0.1" : host);
  if (advertisedHost.length === 0) throw new InvalidBrokerOptionError("advertisedHost", "must be a non-empty string");
  if (options.autoCreateTopics !== undefined && typeof options.autoCreateTopics !== "boolean") {
    throw new InvalidBrokerOptionError("autoCreateTopics", "must be true or false");
  }
  const resolved: ResolvedBrokerOptions = {
    host,
    port: integer("port", options.port ?? 0, 0, 65535),
    advertisedHost,
    nodeId: integer("nodeId", options.nodeId ?? 1, 0, 2147483647),
    defaultPartitions: integer("defaultPartitions", options.defaultPartitions ?? 1, 1, 100000),
    autoCreateTopics: options.autoCreateTopics ?? true,
    groupMinSessionTimeoutMs: integer(
      "groupMinSessionTimeoutMs",
      options.groupMinSessionTimeoutMs ?? 6000,
      1,
      2147483647,
    ),
    groupMaxSessionTimeoutMs: integer(
      "groupMaxSessionTimeoutMs",
      options.groupMaxSessionTimeoutMs ?? 1800000,
      1,
      2147483647,
    ),
    groupInitialRebalanceDelayMs: integer(
      "groupInitialRebalanceDelayMs",
      options.groupInitialRebalanceDelayMs ?? 0,
      0,
      2147483647,
    ),
    maxRequestBytes: integer("maxRequestBytes", options.maxRequestBytes ?? 104857600, 1024, 2147483647),
    connectionsMaxIdleMs: integer("connectionsMaxIdleMs", options.connectionsMaxIdleMs ?? 600000, 1, 2147483647),
    maxConnections: integer("maxConnections", options.maxConnections ?? DEFAULT_MAX_CONNECTIONS, 1, 2147483647),
    dataDir: options.dataDir ?? null,
    transactionMaxTimeoutMs: integer(
      "transactionMaxTimeoutMs",
      options.transactionMaxTimeoutMs ?? 900000,
      1,
      2147483647,
    ),
    transactionalIdExpirationMs: integer(
      "transactionalIdExpirationMs",
      options.transactionalIdExpirationMs ?? 604800000,
      1,
      2147483647,
    ),
    producerIdExpirationMs: integer(
      "producerIdExpirationMs",
      options.producerIdExpirationMs ?? 86400000,
      1,
      2147483647,
    ),
    logCleanerBackoffMs: integer("logCleanerBackoffMs", options.logCleanerBackoffMs ?? 15000, 1, 2147483647),
    logRetentionCheckIntervalMs: integer(
      "logRetentionCheckIntervalMs",
      options.logRetentionCheckIntervalMs ?? 300000,
      1,
      2147483647,
    ),
    explicit: new Set(
      Object.keys(options).filter((k) => options[k as keyof BrokerOptions] !== undefined) as (keyof BrokerOptions)[],
    ),
  };
  if (resolved.groupMinSessionTimeoutMs > resolved.groupMaxSessionTimeoutMs) {
    throw new InvalidBrokerOptionError("groupMinSessionTimeoutMs", "must not exceed groupMaxSessionTimeoutMs");
  }
  return resolved;
}
