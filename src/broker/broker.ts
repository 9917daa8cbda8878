// startBroker(): wires topics, groups and the fetch purgatory to a TCP server and returns
// a handle whose close() ends every connection and timer, so a test process can exit.
import { randomBytes } from "node:crypto";
import { createServer, type Server, type Socket } from "node:net";
import { pino, type Logger } from "pino";
import { Connection } from "./connection.js";
import { BrokerListenError } from "./errors.js";
import { FetchPurgatory } from "./fetch/fetch-purgatory.js";
import { GroupCoordinator } from "./group/group-coordinator.js";
import type { BrokerContext } from "./handlers/handler.js";
import { createHandlers } from "./handlers/index.js";
import { memoryLogStorage } from "./log/log-storage.js";
import { resolveBrokerOptions, type BrokerOptions, type ResolvedBrokerOptions } from "./options.js";
import { TOPIC_CONFIGS } from "./topics/topic-config.js";
import { TopicRegistry } from "./topics/topic-registry.js";
import { ControlType } from "./protocol/control-record.js";
import { ProducerIdManager } from "./transactions/producer-id-manager.js";
import { TransactionCoordinator } from "./transactions/transaction-coordinator.js";
import { memoryTransactionStateStore } from "./transactions/transaction-state-store.js";

export interface RunningBroker {
  /** "host:port", ready for a client's bootstrap servers. */
  readonly bootstrap: string;
  readonly host: string;
  readonly port: number;
  readonly nodeId: number;
  /** Stops listening, closes every connection and clears every timer. */
  close(): Promise<void>;
}

function defaultLogger(): Logger {
  return pino({ name: "eddy-broker", level: process.env.EDDY_LOG_LEVEL ?? "warn" }, pino.destination({ dest: 2, sync: true }));
}

/** Kafka cluster ids are 16 random bytes in URL-safe base64 (22 characters). */
function newClusterId(): string {
  return randomBytes(16).toString("base64url");
}

function brokerConfigs(options: ResolvedBrokerOptions, port: number): Map<string, { value: string; explicit: boolean }> {
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
    ["delete.topic.enable", { value: "true", explicit: false }],
    ["group.min.session.timeout.ms", { value: String(options.groupMinSessionTimeoutMs), explicit: set("groupMinSessionTimeoutMs") }],
    ["group.max.session.timeout.ms", { value: String(options.groupMaxSessionTimeoutMs), explicit: set("groupMaxSessionTimeoutMs") }],
    [
      "group.initial.rebalance.delay.ms",
      { value: String(options.groupInitialRebalanceDelayMs), explicit: set("groupInitialRebalanceDelayMs") },
    ],
    ["socket.request.max.bytes", { value: String(options.maxRequestBytes), explicit: set("maxRequestBytes") }],
  ]);
  for (const definition of TOPIC_CONFIGS) {
    if (!configs.has(definition.brokerSynonym)) {
      configs.set(definition.brokerSynonym, { value: definition.defaultValue, explicit: false });
    }
  }
  return new Map([...configs].sort(([a], [b]) => a.localeCompare(b)));
}

export async function startBroker(options: BrokerOptions = {}): Promise<RunningBroker> {
  const resolved = resolveBrokerOptions(options);
  const logger = options.logger ?? defaultLogger();
  const now = () => Date.now();
  const endpoint = { host: resolved.advertisedHost, port: resolved.port };
  const topics = new TopicRegistry({
    nodeId: resolved.nodeId,
    defaultPartitions: resolved.defaultPartitions,
    storage: memoryLogStorage,
    now,
  });
  const groups = new GroupCoordinator({
    minSessionTimeoutMs: resolved.groupMinSessionTimeoutMs,
    maxSessionTimeoutMs: resolved.groupMaxSessionTimeoutMs,
    initialRebalanceDelayMs: resolved.groupInitialRebalanceDelayMs,
    logger,
    now,
  });
  const transactions = new TransactionCoordinator({
    maxTimeoutMs: 900000,
    transactionalIdExpirationMs: 604800000,
    producerIds: new ProducerIdManager(memoryTransactionStateStore),
    store: memoryTransactionStateStore,
    writeMarker: (topic, partition, producerId, producerEpoch, commit) => {
      const log = topics.partition(topic, partition);
      if (!log) return;
      const result = log.appendMarker(producerId, producerEpoch, commit ? ControlType.COMMIT : ControlType.ABORT);
      if (result.errorCode !== 0) logger.error({ topic, partition, producerId, errorCode: result.errorCode }, `marker refused: ${result.errorMessage}`);
    },
    completeOffsets: (groupId, producerId, commit) => groups.completeTransaction(groupId, producerId, commit),
    hasOngoingTransaction: (topic, partition, producerId) => topics.partition(topic, partition)?.producers.entry(producerId)?.currentTxnFirstOffset != null,
    logger,
    now,
  });
  const fetchPurgatory = new FetchPurgatory();
  const configs = new Map<string, { value: string; explicit: boolean }>();
  const context: BrokerContext = {
    nodeId: resolved.nodeId,
    clusterId: newClusterId(),
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

  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    new Connection({ id: nextConnectionId++, socket, handlers, maxRequestBytes: resolved.maxRequestBytes, logger });
  });
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => reject(new BrokerListenError(`${resolved.host}:${resolved.port}`, error));
    server.once("error", onError);
    server.listen(resolved.port, resolved.host, () => {
      server.off("error", onError);
      server.on("error", (error) => logger.error({ err: error }, "broker server error"));
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : resolved.port;
  endpoint.port = port;
  for (const [name, value] of brokerConfigs(resolved, port)) configs.set(name, value);
  logger.info({ host: resolved.host, port, nodeId: resolved.nodeId }, "broker listening");

  let closing: Promise<void> | null = null;
  return {
    bootstrap: `${endpoint.host}:${port}`,
    host: endpoint.host,
    port,
    nodeId: resolved.nodeId,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        fetchPurgatory.close();
        transactions.close();
        groups.close();
        topics.close();
        logger.info("broker closed");
      });
      return closing;
    },
  };
}
