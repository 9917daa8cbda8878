// startBroker(): wires topics, groups, transactions, the log manager and the fetch purgatory
// to a TCP server, in memory or over a data directory, and returns a handle whose close()
// ends every connection and timer (and, with a data directory, leaves it cleanly shut down),
// so a test process can exit.
import { randomBytes } from "node:crypto";
import { createServer, type Server, type Socket } from "node:net";
import { pino, type Logger } from "pino";
import { Connection } from "./connection.js";
import { BrokerListenError } from "./errors.js";
import { FetchPurgatory } from "./fetch/fetch-purgatory.js";
import { GroupCoordinator } from "./group/group-coordinator.js";
import type { BrokerContext } from "./handlers/handler.js";
import { createHandlers } from "./handlers/index.js";
import { LogManager } from "./log/log-manager.js";
import { memoryLogStorage } from "./log/log-storage.js";
import { resolveBrokerOptions, type BrokerOptions, type ResolvedBrokerOptions } from "./options.js";
import { ControlType } from "./protocol/control-record.js";
import { ErrorCode } from "./protocol/error-codes.js";
import { DataDirectory } from "./storage/data-dir.js";
import { TOPIC_CONFIGS } from "./topics/topic-config.js";
import { TopicRegistry } from "./topics/topic-registry.js";
import { ProducerIdManager } from "./transactions/producer-id-manager.js";
import { TransactionCoordinator } from "./transactions/transaction-coordinator.js";
import { memoryTransactionStateStore } from "./transactions/transaction-state-store.js";

/** Kafka's producer.id.expiration.check.interval.ms and the transactional id expiration check (hourly in Kafka). */
const PRODUCER_ID_EXPIRATION_CHECK_MS = 600_000;
const TRANSACTIONAL_ID_EXPIRATION_CHECK_MS = 3_600_000;

export interface RunningBroker {
  /** "host:port", ready for a client's bootstrap servers. */
  readonly bootstrap: string;
  readonly host: string;
  readonly port: number;
  readonly nodeId: number;
  /** The data directory in use, or null for an in-memory broker. */
  readonly dataDir: string | null;
  /** Stops listening, closes every connection and clears every timer; a data directory is left cleanly shut down. */
  close(): Promise<void>;
}

function defaultLogger(): Logger {
  return pino(
    { name: "eddy-broker", level: process.env.EDDY_LOG_LEVEL ?? "warn" },
    pino.destination({ dest: 2, sync: true }),
  );
}

/** Kafka cluster ids are 16 random bytes in URL-safe base64 (22 characters). */
function newClusterId(): string {
  return randomBytes(16).toString("base64url");
}

function brokerConfigs(
  options: ResolvedBrokerOptions,
  port: number,
): Map<string, { value: string; explicit: boolean }> {
  const set = (key: keyof BrokerOptions) => options.explicit.has(key);
  const configs = new Map<string, { value: string; explicit: boolean }>([
    ["broker.id", { value: String(options.nodeId), explicit: true }],
    ["node.id", { value: String(options.nodeId), explicit: true }],
    ["listeners", { value: `PLAINTEXT://${options.host}:${port}`, explicit: true }],
    ["advertised.listeners", { value: `PLAINTEXT://${options.advertisedHost}:${port}`, explicit: true }],
    ["num.partitions", { value: String(options.defaultPartitions), explicit: set("defaultPartitions") }],
    ["auto.create.topics.enable", { value: String(options.autoCreateTopics), explicit: set("autoCreateTopics") }],
    ["default.replication.factor", { value: "1", explicit: false }],
    ["offsets.topic.replication.factor", { value: "1", explicit: false }],
    ["transaction.state.log.replication.factor", { value: "1", explicit: false }],
    [
      "transaction.max.timeout.ms",
      { value: String(options.transactionMaxTimeoutMs), explicit: set("transactionMaxTimeoutMs") },
    ],
    [
      "transactional.id.expiration.ms",
      { value: String(options.transactionalIdExpirationMs), explicit: set("transactionalIdExpirationMs") },
    ],
    [
      "producer.id.expiration.ms",
      { value: String(options.producerIdExpirationMs), explicit: set("producerIdExpirationMs") },
    ],
    ["log.cleaner.backoff.ms", { value: String(options.logCleanerBackoffMs), explicit: set("logCleanerBackoffMs") }],
    [
      "log.retention.check.interval.ms",
      { value: String(options.logRetentionCheckIntervalMs), explicit: set("logRetentionCheckIntervalMs") },
    ],
    ["delete.topic.enable", { value: "true", explicit: false }],
    [
      "group.min.session.timeout.ms",
      { value: String(options.groupMinSessionTimeoutMs), explicit: set("groupMinSessionTimeoutMs") },
    ],
    [
      "group.max.session.timeout.ms",
      { value: String(options.groupMaxSessionTimeoutMs), explicit: set("groupMaxSessionTimeoutMs") },
    ],
    [
      "group.initial.rebalance.delay.ms",
      { value: String(options.groupInitialRebalanceDelayMs), explicit: set("groupInitialRebalanceDelayMs") },
    ],
    ["socket.request.max.bytes", { value: String(options.maxRequestBytes), explicit: set("maxRequestBytes") }],
    ["connections.max.idle.ms", { value: String(options.connectionsMaxIdleMs), explicit: set("connectionsMaxIdleMs") }],
    ["max.connections", { value: String(options.maxConnections), explicit: set("maxConnections") }],
  ]);
  if (options.dataDir !== null) configs.set("log.dirs", { value: options.dataDir, explicit: true });
  for (const definition of TOPIC_CONFIGS) {
    if (definition.brokerSynonym !== null && !configs.has(definition.brokerSynonym)) {
      configs.set(definition.brokerSynonym, { value: definition.defaultValue, explicit: false });
    }
  }
  return new Map([...configs].sort(([a], [b]) => a.localeCompare(b)));
}

/** A warning when max.connections turns connections away: the first at once, then at most one every 10 s with a count. */
function refusedConnections(max: number, logger: Logger): (data?: { remoteAddress?: string }) => void {
  let refused = 0;
  let lastWarning = 0;
  return (data) => {
    refused += 1;
    const now = Date.now();
    if (now - lastWarning < 10_000) return;
    lastWarning = now;
    logger.warn(
      { maxConnections: max, refused, lastClient: data?.remoteAddress ?? null },
      "max.connections reached: closing new connections as they arrive",
    );
    refused = 0;
  };
}

export async function startBroker(options: BrokerOptions = {}): Promise<RunningBroker> {
  const resolved = resolveBrokerOptions(options);
  const logger = options.logger ?? defaultLogger();
  const now = () => Date.now();
  const endpoint = { host: resolved.advertisedHost, port: resolved.port };
  const loadStarted = performance.now();
  const dataDir =
    resolved.dataDir === null
      ? null
      : DataDirectory.open(resolved.dataDir, { nodeId: resolved.nodeId, newClusterId: newClusterId(), logger, now });
  const topics = new TopicRegistry({
    nodeId: resolved.nodeId,
    defaultPartitions: resolved.defaultPartitions,
    storage: dataDir?.logStorage ?? memoryLogStorage,
    now,
  });
  const groups = new GroupCoordinator({
    minSessionTimeoutMs: resolved.groupMinSessionTimeoutMs,
    maxSessionTimeoutMs: resolved.groupMaxSessionTimeoutMs,
    initialRebalanceDelayMs: resolved.groupInitialRebalanceDelayMs,
    logger,
    now,
    offsetStore: dataDir?.offsetStore,
  });
  const transactionStore = dataDir?.transactionStore ?? memoryTransactionStateStore;
  const transactions = new TransactionCoordinator({
    maxTimeoutMs: resolved.transactionMaxTimeoutMs,
    transactionalIdExpirationMs: resolved.transactionalIdExpirationMs,
    producerIds: new ProducerIdManager(transactionStore, dataDir?.firstFreeProducerId ?? 0),
    store: transactionStore,
    writeMarker: (topic, partition, producerId, producerEpoch, commit) => {
      // A partition deleted while the transaction was open has nothing left to mark.
      const log = topics.partition(topic, partition);
      if (!log) return;
      const result = log.appendMarker(producerId, producerEpoch, commit ? ControlType.COMMIT : ControlType.ABORT);
      if (result.errorCode !== ErrorCode.NONE) {
        logger.error(
          { topic, partition, producerId, producerEpoch, errorCode: result.errorCode },
          `transaction marker refused: ${result.errorMessage}`,
        );
      }
    },
    completeOffsets: (groupId, producerId, commit) => groups.completeTransaction(groupId, producerId, commit),
    hasOngoingTransaction: (topic, partition, producerId) =>
      (topics.partition(topic, partition)?.producers.entry(producerId)?.currentTxnFirstOffset ?? null) !== null,
    logger,
    now,
  });
  if (dataDir) {
    try {
      for (const topic of dataDir.topics) topics.restore(topic);
      groups.restoreOffsets(dataDir.offsetChanges);
      transactions.restore(dataDir.transactions);
    } catch (error) {
      transactions.close();
      groups.close();
      topics.close(() => undefined);
      dataDir.close(false);
      throw error;
    }
    dataDir.liveTopics = () => topics.all();
    dataDir.liveOffsets = () => groups.offsetChanges();
    dataDir.liveTransactions = () => transactions.records();
    logger.info(
      {
        dataDir: dataDir.path,
        cleanShutdown: dataDir.cleanShutdown,
        topics: dataDir.topics.length,
        transactionalIds: transactions.size,
        truncatedBytes: dataDir.truncatedBytes,
        ms: Math.round(performance.now() - loadStarted),
      },
      "loaded data directory",
    );
  }
  const logManager = new LogManager({
    partitions: () => topics.all().flatMap((topic) => topic.partitions),
    cleanerBackoffMs: resolved.logCleanerBackoffMs,
    retentionCheckIntervalMs: resolved.logRetentionCheckIntervalMs,
    producerIdExpirationMs: resolved.producerIdExpirationMs,
    producerIdExpirationCheckIntervalMs: PRODUCER_ID_EXPIRATION_CHECK_MS,
    logger,
    now,
  });
  logManager.start();
  const transactionalIdExpiration = setInterval(
    () => transactions.expireTransactionalIds(),
    TRANSACTIONAL_ID_EXPIRATION_CHECK_MS,
  );
  transactionalIdExpiration.unref();
  const fetchPurgatory = new FetchPurgatory();
  const configs = new Map<string, { value: string; explicit: boolean }>();
  const context: BrokerContext = {
    nodeId: resolved.nodeId,
    clusterId: dataDir?.clusterId ?? newClusterId(),
    endpoint,
    autoCreateTopics: resolved.autoCreateTopics,
    topics,
    groups,
    transactions,
    fetchPurgatory,
    logger,
    brokerConfigs: configs,
  };
  const handlers = createHandlers(context);
  const sockets = new Set<Socket>();
  let nextConnectionId = 1;

  /**
   * Everything but the server. Each step runs whatever the others did; with a data directory
   * the last one marks the shutdown clean if all went well, and releases the lock in any case.
   */
  const shutDown = () => {
    let clean = true;
    const step = (what: string, run: () => void) => {
      try {
        run();
      } catch (error) {
        clean = false;
        logger.error({ err: error }, `shutdown: ${what} failed`);
      }
    };
    step("the fetch purgatory", () => fetchPurgatory.close());
    step("the log manager", () => logManager.close());
    clearInterval(transactionalIdExpiration);
    step("the transaction coordinator", () => transactions.close());
    step("the group coordinator", () => groups.close());
    step("the partitions", () => {
      const closed = topics.close((topic, partition, error) =>
        logger.error(
          { err: error, topic, partition },
          "could not close a partition cleanly (flush, producer snapshot): the next start recovers it",
        ),
      );
      if (!closed) clean = false;
    });
    dataDir?.close(clean);
  };

  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    new Connection({
      id: nextConnectionId++,
      socket,
      handlers,
      maxRequestBytes: resolved.maxRequestBytes,
      idleTimeoutMs: resolved.connectionsMaxIdleMs,
      logger,
    });
  });
  server.maxConnections = resolved.maxConnections;
  server.on("drop", refusedConnections(resolved.maxConnections, logger));
  try {
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error) => reject(new BrokerListenError(`${resolved.host}:${resolved.port}`, error));
      server.once("error", onError);
      server.listen(resolved.port, resolved.host, () => {
        server.off("error", onError);
        server.on("error", (error) => logger.error({ err: error }, "broker server error"));
        resolve();
      });
    });
  } catch (error) {
    shutDown();
    throw error;
  }
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : resolved.port;
  endpoint.port = port;
  for (const [name, value] of brokerConfigs(resolved, port)) configs.set(name, value);
  logger.info(
    { host: resolved.host, port, nodeId: resolved.nodeId, dataDir: dataDir?.path ?? null },
    "broker listening",
  );

  let closing: Promise<void> | null = null;
  return {
    bootstrap: `${endpoint.host}:${port}`,
    host: endpoint.host,
    port,
    nodeId: resolved.nodeId,
    dataDir: dataDir?.path ?? null,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        shutDown();
        logger.info("broker closed");
      });
      return closing;
    },
  };
}
