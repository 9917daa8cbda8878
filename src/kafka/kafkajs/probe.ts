// Checks, once per process, that the installed kafkajs is the one Eddy's fast paths were
// written against: its version, and every private shape they rely on (kafkajs-internals.ts).
// The answer gates all of them together, so that a kafkajs that moved something turns every
// fast path off at once (Eddy then runs on kafkajs' public behaviour alone, slower and
// correct) instead of leaving one half on: a producer handing runtime-shaped records to a
// broker whose encoder wrapper is missing would have kafkajs write their headers wrong.
//
// EDDY_KAFKAJS_FAST_PATHS=off turns them off for the whole process; the config field
// kafkajsFastPaths: false for one application's clients.
import kafkajs from "kafkajs";
import { KafkaClientSettingError } from "../errors.js";
import { CREATE_CLUSTER_SYMBOL, FETCH_API_KEY, PINNED_KAFKAJS_VERSION, PRODUCE_API_KEY } from "./kafkajs-internals.js";
import { kafkajsModules } from "./kafkajs-internals.js";
import { PartitionedMessages } from "./partitioned-messages.js";

export const FAST_PATHS_VARIABLE = "EDDY_KAFKAJS_FAST_PATHS";

export interface KafkajsProbe {
  /** The installed kafkajs' version ("unknown" when its package.json cannot be read). */
  readonly version: string;
  /** The version the fast paths were written against. */
  readonly pinnedVersion: string;
  /** Every fast path may be used: the encoder, the decoders, the coordinator cache, the one-pass grouping. */
  readonly fastPaths: boolean;
  /** The SyncGroup capture that keeps the leader's assignment user data (not a fast path: query routing needs it). */
  readonly syncGroupCapture: boolean;
  /** What did not match, one sentence each; empty when everything did. */
  readonly problems: readonly string[];
}

let probed: KafkajsProbe | undefined;

/** The probe of the installed kafkajs, run on first use. */
export function probeKafkajs(): KafkajsProbe {
  probed ??= runProbe();
  return probed;
}

/** The checks themselves, on given modules (the installed kafkajs' by default). */
export function runProbe(modules: ReturnType<typeof kafkajsModules> = kafkajsModules()): KafkajsProbe {
  if (modules instanceof Error) {
    return {
      version: "unknown",
      pinnedVersion: PINNED_KAFKAJS_VERSION,
      fastPaths: false,
      syncGroupCapture: false,
      problems: [`a private kafkajs module did not load: ${modules.message}`],
    };
  }
  const problems: string[] = [];
  const check = (ok: () => boolean, problem: string): boolean => {
    let passed: boolean;
    try {
      passed = ok();
    } catch (error) {
      problems.push(`${problem} (${(error as Error).message})`);
      return false;
    }
    if (!passed) problems.push(problem);
    return passed;
  };
  const fn = (value: unknown): boolean => typeof value === "function";

  check(
    () => modules.version === PINNED_KAFKAJS_VERSION,
    `kafkajs is ${modules.version}, not ${PINNED_KAFKAJS_VERSION}`,
  );
  check(() => {
    const client = new kafkajs.Kafka({ brokers: ["probe.invalid:9092"], logLevel: kafkajs.logLevel.NOTHING });
    const symbol = Object.getOwnPropertySymbols(client).find((s) => s.description === CREATE_CLUSTER_SYMBOL);
    return symbol !== undefined && fn((client as unknown as Record<symbol, unknown>)[symbol]);
  }, `a kafkajs client has no "${CREATE_CLUSTER_SYMBOL}" function`);
  const clusterShape = check(
    () => fn(modules.clusterPrototype.findBroker) && fn(modules.clusterPrototype.findGroupCoordinator),
    "kafkajs' Cluster has no findBroker or findGroupCoordinator",
  );
  const brokerPrototype = modules.Broker.prototype as unknown as Record<string, unknown>;
  const syncGroupShape = check(() => fn(brokerPrototype.syncGroup), "kafkajs' Broker has no syncGroup");
  check(
    () =>
      ["produce", "fetch", "disconnect", "isConnected", "txnOffsetCommit"].every((name) => fn(brokerPrototype[name])),
    "kafkajs' Broker lacks one of produce, fetch, disconnect, isConnected, txnOffsetCommit",
  );
  check(() => {
    // A broker that never connects: its constructor sets the fields the fast paths use.
    const pool = { connectionTimeout: 1, host: "probe.invalid", port: 9092 };
    const logger = { namespace: () => logger };
    const broker = new modules.Broker({ connectionPool: pool, logger });
    return fn(broker.lookupRequest) && (broker.connectionPool as unknown) === pool;
  }, "a kafkajs Broker has no lookupRequest or connectionPool");
  check(() => {
    const { request, response } = modules.produceRequests.protocol({ version: 7 })({
      acks: -1,
      timeout: 30_000,
      compression: 0,
      topicData: [],
    });
    return (
      modules.produceRequests.versions.includes("3") &&
      request.apiKey === PRODUCE_API_KEY &&
      request.apiVersion === 7 &&
      fn(request.encode) &&
      fn(response.decode) &&
      fn(response.parse)
    );
  }, "kafkajs' Produce request definitions are not shaped as in 2.2.4");
  check(() => {
    const { request, response } = modules.fetchRequests.protocol({ version: 11 })({
      maxWaitTime: 100,
      minBytes: 1,
      maxBytes: 1024,
      topics: [],
    });
    return request.apiKey === FETCH_API_KEY && request.apiVersion === 11 && fn(response.decode) && fn(response.parse);
  }, "kafkajs' Fetch v11 request definitions are not shaped as in 2.2.4");
  check(() => fn(modules.createErrorFromCode), "kafkajs' protocol errors have no createErrorFromCode");
  check(() => {
    // kafkajs must group a send's messages through their own reduce(): a partitioner that
    // disagrees with the records' partitions shows which grouping ran.
    const messages = new PartitionedMessages();
    messages.push({ partition: 1, value: null }, { partition: 0, value: null });
    const groups = modules.groupMessagesPerPartition({
      topic: "probe",
      partitionMetadata: [{ partitionId: 0 }, { partitionId: 1 }],
      messages,
      partitioner: () => 0,
    });
    return groups[1]?.length === 1 && groups[0]?.length === 1;
  }, "kafkajs groups a send's messages per partition differently from 2.2.4");
  return {
    version: modules.version,
    pinnedVersion: PINNED_KAFKAJS_VERSION,
    fastPaths: problems.length === 0,
    syncGroupCapture: clusterShape && syncGroupShape,
    problems,
  };
}

/**
 * Whether the environment allows the fast paths: EDDY_KAFKAJS_FAST_PATHS unset, empty, on,
 * true, yes or 1 allows them; off, false, no or 0 turns them off. Anything else is refused.
 */
export function fastPathsAllowedByEnvironment(
  env: Readonly<Record<string, string | undefined>> = process.env,
): boolean {
  const raw = env[FAST_PATHS_VARIABLE];
  const value = raw?.trim().toLowerCase() ?? "";
  if (value === "" || value === "on" || value === "true" || value === "yes" || value === "1") return true;
  if (value === "off" || value === "false" || value === "no" || value === "0") return false;
  throw new KafkaClientSettingError(FAST_PATHS_VARIABLE, raw ?? "", "on or off");
}
