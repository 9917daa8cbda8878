// Every private part of kafkajs Eddy reaches, typed once: the modules under kafkajs/src/
// it loads, the symbol-keyed cluster factory of the client, and the shapes of the
// Cluster and Broker objects beyond kafkajs' published types. Nothing outside this folder
// knows any of it (test/architecture/layers.test.ts checks that no file elsewhere loads
// kafkajs/src/...). kafkajs 2.2.4 is pinned exactly in package.json; probe.ts checks the
// installed copy against every shape written here before any of it is used.
import { createRequire } from "node:module";

export const PINNED_KAFKAJS_VERSION = "2.2.4";

/** The description of the client's private cluster factory symbol. */
export const CREATE_CLUSTER_SYMBOL = "private:Kafka:createCluster";

export const PRODUCE_API_KEY = 0;
export const FETCH_API_KEY = 1;

/** One request as kafkajs' protocol layer builds it: what Broker.connectionPool.send() takes. */
export interface ProtocolRequest {
  request: { apiKey?: number; apiVersion: number; apiName?: string; encode(): Promise<unknown> };
  response: { decode(payload: Buffer): Promise<unknown>; parse(data: unknown): Promise<unknown> };
  requestTimeout?: number;
  /** false: kafkajs' connection does not log an error answer (the caller handles it). */
  logResponseError?: boolean;
}

/** kafkajs' request definitions of one API (all versions), as kafkajs/src/protocol/requests/<api> exports them. */
export interface RequestDefinitions {
  versions: string[];
  protocol(options: { version: number }): (args: Record<string, unknown>) => ProtocolRequest;
}

/** A kafkajs Broker (one node's connection pool and its requests), beyond the published type. */
export interface BrokerInternals {
  produce(args: Record<string, unknown>): Promise<unknown>;
  fetch(request: Record<string, unknown>): Promise<unknown>;
  syncGroup(request: { generationId?: number; [field: string]: unknown }): Promise<{ memberAssignment: Buffer }>;
  txnOffsetCommit(request: Record<string, unknown>): Promise<unknown>;
  /** The ApiVersions answer, by API key, once connected (null before). */
  versions?: Record<number, { minVersion: number; maxVersion: number } | undefined> | null;
  /** Set at connect() from the negotiated ApiVersions: the request of one API at the version both sides speak. */
  lookupRequest(apiKey: number, definitions: RequestDefinitions): (args: Record<string, unknown>) => ProtocolRequest;
  connectionPool: { send(request: ProtocolRequest): Promise<unknown> };
  isConnected(): boolean;
  disconnect(): Promise<void>;
}

/** What the cluster decorators replace on a kafkajs Cluster. */
export interface ClusterInternals {
  findBroker(node: { nodeId: string }): Promise<unknown>;
  findGroupCoordinator(group: { groupId: string; coordinatorType?: number }): Promise<unknown>;
}

/** One record as kafkajs' Fetch decoder hands it out (string offsets, headers by key). */
export interface KafkajsFetchedMessage {
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: Record<string, unknown>;
  isControlRecord?: boolean;
  batchContext: { firstOffset: string; lastOffsetDelta: number; producerId: string; inTransaction: boolean };
}

export interface KafkajsFetchedPartition {
  partition: number;
  errorCode: number;
  highWatermark: string;
  lastStableOffset: string;
  abortedTransactions: Array<{ producerId: string; firstOffset: string }>;
  messages: KafkajsFetchedMessage[];
}

/** What Broker.fetch() answers. */
export interface KafkajsFetchResponse {
  responses: Array<{ topicName: string; partitions: KafkajsFetchedPartition[] }>;
}

interface Modules {
  produceRequests: RequestDefinitions;
  fetchRequests: RequestDefinitions;
  createErrorFromCode(code: number): Error;
  groupMessagesPerPartition(args: {
    topic: string;
    partitionMetadata: unknown[];
    messages: unknown[];
    partitioner: (args: { message: { partition?: number } }) => number;
  }): Record<number, unknown[]>;
  Broker: new (options: Record<string, unknown>) => BrokerInternals;
  clusterPrototype: Record<string, unknown>;
  version: string;
}

const require = createRequire(import.meta.url);
let loaded: Modules | Error | undefined;

/** kafkajs' private modules, loaded once; an Error when one of them is not where 2.2.4 has it. */
export function kafkajsModules(): Modules | Error {
  if (loaded !== undefined) return loaded;
  try {
    const { createErrorFromCode } = require("kafkajs/src/protocol/error") as Pick<Modules, "createErrorFromCode">;
    loaded = {
      produceRequests: require("kafkajs/src/protocol/requests/produce") as RequestDefinitions,
      fetchRequests: require("kafkajs/src/protocol/requests/fetch") as RequestDefinitions,
      createErrorFromCode,
      groupMessagesPerPartition:
        require("kafkajs/src/producer/groupMessagesPerPartition") as Modules["groupMessagesPerPartition"],
      Broker: require("kafkajs/src/broker") as Modules["Broker"],
      clusterPrototype: (require("kafkajs/src/cluster") as { prototype: Record<string, unknown> }).prototype,
      version: (require("kafkajs/package.json") as { version: string }).version,
    };
  } catch (error) {
    loaded = error instanceof Error ? error : new Error(String(error));
  }
  return loaded;
}

/** The loaded modules; only for code that runs after the probe passed. */
export function internals(): Modules {
  const modules = kafkajsModules();
  if (modules instanceof Error) throw modules;
  return modules;
}

/** A kafkajs error for a protocol error code, as kafkajs' own response parsers throw it. */
export function kafkajsProtocolError(code: number): Error {
  return internals().createErrorFromCode(code);
}

/** kafkajs names a connection that closed under a request so; its Broker then drops the connection. */
export function isConnectionClosed(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === "KafkaJSConnectionClosedError";
}
