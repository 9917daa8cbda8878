// The kafkajs seam: the one module that knows kafkajs' private parts (docs/ARCHITECTURE.md,
// "The kafkajs seam", lists each one, why it is used and what the probe checks). The rest
// of src/kafka uses only what this file exports:
//
//   hookClient(kafka, wanted)      once per client made: installs the fast paths the probe
//                                  and the settings allow, all or none
//   fastPathsOf(kafka)             whether a client's fast paths are on
//   kafkajsTopicMessages(...)      records as kafkajs sendBatch messages, as the fast paths allow
//   hookConsumerCluster(...)       a group consumer's Cluster: SyncGroup capture, lean Fetch decoding,
//                                  the next Fetch sent while the last answer is processed
//   consumedRecords(batch)         an eachBatch batch in the runtime's shape, whoever decoded it
//   ClusterReader                  reads partitions without joining a group (restore, standbys)
//   probeKafkajs(), fastPathStatsOf(kafka)   what was found and what ran
//   registerGroupMetadata(...)     a transactional id's offsets go out as TxnOffsetCommit v3 (KIP-447)
//   registerTxnPartitions(...)     a transactional id's partitions are added in one AddPartitionsToTxn
//   registerProduceLedger(...)     a transactional id's Produce requests are tracked (in flight, answered)
//   registerTransactionsV2(...)    a transactional id uses transactions v2 (KIP-890) where the cluster has them
//   transactionStatsOf(kafka)      EndTxn requests by version, CONCURRENT_TRANSACTIONS answers
//   processTransactionStats()      the same, summed over every client of the process (benchmarks)
import type { Cluster, Kafka } from "kafkajs";
import { Kip447UnavailableError } from "../errors.js";
import { closeEveryBroker } from "./broker-tracking.js";
import { connectOnce } from "./connect-once.js";
import { registerClient, seamOf } from "./client-hooks.js";
import type { ClientSeam, FastPathStats } from "./client-hooks.js";
import { cacheCoordinators } from "./coordinator-cache.js";
import { fastProduce } from "./fast-produce.js";
import { installFastFetch } from "./fast-fetch.js";
import { installFetchAhead } from "./fetch-ahead.js";
import type { FetchAhead } from "./fetch-ahead.js";
import type { ClusterInternals } from "./kafkajs-internals.js";
import { fastPathsAllowedByEnvironment, probeKafkajs } from "./probe.js";
import { captureSyncGroup } from "./sync-group-capture.js";
import { commitWithGroupMetadata } from "./kip447-requests.js";
import { ProduceLedger, trackProduceRequests } from "./produce-ledger.js";
import { TxnPartitions, addPartitionsTogether } from "./txn-partitions.js";
import { TxnV2, transactionsV2 } from "./txn-v2.js";
import type { TransactionStats } from "./txn-v2.js";
import type { GroupMetadata } from "../types.js";

export { ClusterReader } from "./cluster-reader.js";
export { consumedRecords } from "./fast-fetch.js";
export { kafkajsTopicMessages } from "./topic-messages.js";
export { FAST_PATHS_VARIABLE, fastPathsAllowedByEnvironment, probeKafkajs } from "./probe.js";
export type { KafkajsProbe } from "./probe.js";
export type { FastPathStats } from "./client-hooks.js";
export type { FetchAhead, FetchAheadStats } from "./fetch-ahead.js";
export type { ProduceLedger } from "./produce-ledger.js";
export type { TxnPartitions } from "./txn-partitions.js";
export { TRANSACTIONS_V2_VARIABLE, processTransactionStats } from "./txn-v2.js";
export type { TransactionStats, TxnV2 } from "./txn-v2.js";

/** Whether a client got its fast paths, and if not, why. */
export interface FastPathDecision {
  readonly fastPaths: boolean;
  /** Why they are off: "off by configuration", "off by EDDY_KAFKAJS_FAST_PATHS", or the probe's findings. */
  readonly reason: string | undefined;
}

/**
 * Decides a new client's fast paths (all of them or none) and installs them: `wanted` is the
 * application's setting (kafkajsFastPaths), the environment may turn them off for the whole
 * process, and the probe of the installed kafkajs must pass.
 */
export function hookClient(kafka: Kafka, wanted: boolean): FastPathDecision {
  let reason: string | undefined;
  if (!wanted) reason = "off by configuration (kafkajsFastPaths: false)";
  else if (!fastPathsAllowedByEnvironment()) reason = "off by EDDY_KAFKAJS_FAST_PATHS";
  else {
    const probe = probeKafkajs();
    if (!probe.fastPaths) reason = `kafkajs ${probe.version} is not as expected: ${probe.problems.join("; ")}`;
  }
  // closeEveryBroker and connectOnce are fixes (close() closes every connection; one socket
  // per connection however many requests wait for it), installed either way; the
  // KIP-447 requests are no fast path either (exactly_once_v2 needs them), but need the probe.
  const kip447 = probeKafkajs().fastPaths
    ? (cluster: ClusterInternals, s: ClientSeam) => {
        commitWithGroupMetadata(cluster, s.groupMetadata, s.txnV2, () => {
          s.transactionStats.concurrentTransactions += 1;
        });
        addPartitionsTogether(cluster, s.txnPartitions);
        trackProduceRequests(cluster, s.produceLedgers);
        // Last: its AddPartitionsToTxn answers without a request come before the gathering above.
        transactionsV2(cluster, s.txnV2, s.transactionStats);
      }
    : undefined;
  const seam = registerClient(
    kafka,
    reason === undefined,
    [fastProduce, cacheCoordinators],
    [closeEveryBroker, connectOnce],
    kip447,
  );
  if (reason === undefined && !seam.fastPaths) reason = "the kafkajs client has no cluster factory to decorate";
  return { fastPaths: seam.fastPaths, reason };
}

/** Whether this client's producers hand the runtime's records to kafkajs as they are. */
export function fastPathsOf(kafka: Kafka): boolean {
  return seamOf(kafka).fastPaths;
}

/** How often each fast path of this client ran. */
export function fastPathStatsOf(kafka: Kafka): Readonly<FastPathStats> {
  return seamOf(kafka).stats;
}

export interface ConsumerClusterHooks {
  readonly groupId: string;
  /** Each SyncGroup answer of the group: the member's raw assignment, and the generation it was asked for. */
  onSyncGroup(memberAssignment: Buffer, generationId: number | undefined): void;
}

/** What hookConsumerCluster installed. */
export interface ConsumerClusterHooked {
  /** False when the SyncGroup capture could not be installed (the assignment's user data is then unknown). */
  readonly syncGroupCapture: boolean;
  /** The consumer's fetching ahead of processing; undefined with the fast paths off. */
  readonly fetchAhead: FetchAhead | undefined;
}

/**
 * Hooks a group consumer's Cluster (kafkajs hands it to the partition assigner factory):
 * the SyncGroup capture whenever kafkajs has its shape; with the client's fast paths, the
 * lean Fetch decoder and the fetch ahead of processing (fetch-ahead.ts).
 */
export function hookConsumerCluster(
  kafka: Kafka,
  cluster: Cluster,
  hooks: ConsumerClusterHooks,
): ConsumerClusterHooked {
  const internal = cluster as unknown as ClusterInternals;
  const seam = seamOf(kafka);
  let fetchAhead: FetchAhead | undefined;
  if (seam.fastPaths) {
    installFastFetch(internal, seam);
    // After the decoder: the fetches ahead go through it too.
    fetchAhead = installFetchAhead(internal);
  }
  if (!probeKafkajs().syncGroupCapture) return { syncGroupCapture: false, fetchAhead };
  captureSyncGroup(internal, hooks.groupId, hooks.onSyncGroup);
  return { syncGroupCapture: true, fetchAhead };
}

/**
 * From now on, the offsets `transactionalId` commits in a transaction go to the group
 * coordinator as TxnOffsetCommit v3 with what `metadata()` answers at that moment (exactly_once_v2).
 * Returns the function that ends the registration. Throws when this client cannot (the probe
 * of the installed kafkajs failed).
 */
export function registerGroupMetadata(
  kafka: Kafka,
  transactionalId: string,
  metadata: () => GroupMetadata,
): () => void {
  const seam = seamOf(kafka);
  if (!seam.kip447) {
    const probe = probeKafkajs();
    throw new Kip447UnavailableError(probe.problems.join("; ") || "the client was not made by Eddy");
  }
  seam.groupMetadata.set(transactionalId, metadata);
  return () => {
    if (seam.groupMetadata.get(transactionalId) === metadata) seam.groupMetadata.delete(transactionalId);
  };
}

/**
 * From now on, `transactionalId`'s AddPartitionsToTxn requests are gathered: one per
 * transaction for every partition announced (see txn-partitions.ts). Returns the
 * transaction's partitions (announce before a send, ended() when the transaction ends) and
 * the function that ends the registration; undefined when this client's clusters are not
 * decorated (kafkajs then adds each send's partitions itself, as ever).
 */
export function registerTxnPartitions(
  kafka: Kafka,
  transactionalId: string,
): { partitions: TxnPartitions; unregister: () => void } | undefined {
  const seam = seamOf(kafka);
  if (!seam.kip447) return undefined;
  const partitions = new TxnPartitions(() => {
    seam.transactionStats.concurrentTransactions += 1;
  });
  seam.txnPartitions.set(transactionalId, partitions);
  return {
    partitions,
    unregister: () => {
      if (seam.txnPartitions.get(transactionalId) === partitions) seam.txnPartitions.delete(transactionalId);
    },
  };
}

/**
 * From now on, `transactionalId`'s Produce requests are tracked by the returned ledger (see
 * produce-ledger.ts), until unregister(); undefined when this client's clusters are not decorated.
 */
export function registerProduceLedger(
  kafka: Kafka,
  transactionalId: string,
): { ledger: ProduceLedger; unregister: () => void } | undefined {
  const seam = seamOf(kafka);
  if (!seam.kip447) return undefined;
  const ledger = new ProduceLedger();
  seam.produceLedgers.set(transactionalId, ledger);
  return {
    ledger,
    unregister: () => {
      if (seam.produceLedgers.get(transactionalId) === ledger) seam.produceLedgers.delete(transactionalId);
    },
  };
}

/**
 * From now on, `transactionalId` uses transactions v2 (KIP-890, see txn-v2.ts) when its
 * coordinator's cluster finalized them, decided at its first transaction; undefined (v1 as
 * ever) when this client's fast paths are off: Produce v12 is written by the lean encoder.
 */
export function registerTransactionsV2(
  kafka: Kafka,
  transactionalId: string,
): { txn: TxnV2; unregister: () => void } | undefined {
  const seam = seamOf(kafka);
  if (!seam.kip447 || !seam.fastPaths) return undefined;
  const txn = new TxnV2(seam.transactionStats);
  seam.txnV2.set(transactionalId, txn);
  return {
    txn,
    unregister: () => {
      if (seam.txnV2.get(transactionalId) === txn) seam.txnV2.delete(transactionalId);
    },
  };
}

/** How this client's transactions went: EndTxn requests by version, CONCURRENT_TRANSACTIONS answers. */
export function transactionStatsOf(kafka: Kafka): Readonly<TransactionStats> {
  return seamOf(kafka).transactionStats;
}
