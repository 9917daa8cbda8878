// What the seam knows about each kafkajs client Eddy made: whether its fast paths are on,
// and how often each one ran (tests and operators check that they engage). A client's
// clusters (one per producer, consumer and admin client) are decorated through kafkajs'
// private cluster factory, the symbol-keyed "private:Kafka:createCluster": every Cluster
// the client creates is handed to the decorators before kafkajs uses it.
import type { Kafka } from "kafkajs";
import { CREATE_CLUSTER_SYMBOL } from "./kafkajs-internals.js";
import type { ClusterInternals } from "./kafkajs-internals.js";
import type { GroupMetadataRegistry } from "./kip447-requests.js";
import type { ProduceLedgerRegistry } from "./produce-ledger.js";
import type { TxnPartitionsRegistry } from "./txn-partitions.js";
import { newTransactionStats } from "./txn-v2.js";
import type { TransactionStats, TxnV2Registry } from "./txn-v2.js";

/** How often each fast path ran, per client. */
export interface FastPathStats {
  /** Produce requests whose body the lean encoder wrote. */
  produceRequestsEncoded: number;
  /** Produce requests kafkajs encoded (compression), their records converted to its shape first. */
  produceRequestsConverted: number;
  /** Consumer Fetch responses the lean decoder read. */
  consumerFetchesDecoded: number;
  /** Restore and standby Fetch responses the lean decoder read. */
  restoreFetchesDecoded: number;
}

export interface ClientSeam {
  readonly fastPaths: boolean;
  readonly stats: FastPathStats;
  /** Whether TxnOffsetCommit v3 goes out with group metadata (exactly_once_v2; needs the probe to pass). */
  readonly kip447: boolean;
  /** Transactional ids whose offsets are committed with their consumer's group metadata. */
  readonly groupMetadata: GroupMetadataRegistry;
  /** Transactional ids whose AddPartitionsToTxn requests are gathered into one per transaction. */
  readonly txnPartitions: TxnPartitionsRegistry;
  /** Transactional ids whose Produce requests are tracked (see produce-ledger.ts). */
  readonly produceLedgers: ProduceLedgerRegistry;
  /** Transactional ids that use transactions v2 where the cluster has them (see txn-v2.ts). */
  readonly txnV2: TxnV2Registry;
  readonly transactionStats: TransactionStats;
}

type MutableSeam = { -readonly [K in keyof ClientSeam]: ClientSeam[K] };

const clients = new WeakMap<Kafka, ClientSeam>();

function newStats(): FastPathStats {
  return {
    produceRequestsEncoded: 0,
    produceRequestsConverted: 0,
    consumerFetchesDecoded: 0,
    restoreFetchesDecoded: 0,
  };
}

/** The seam's record of a client; a client Eddy did not make has its fast paths off. */
export function seamOf(kafka: Kafka): ClientSeam {
  let seam = clients.get(kafka);
  if (seam === undefined) {
    seam = {
      fastPaths: false,
      stats: newStats(),
      kip447: false,
      groupMetadata: new Map(),
      txnPartitions: new Map(),
      produceLedgers: new Map(),
      txnV2: new Map(),
      transactionStats: newTransactionStats(),
    };
    clients.set(kafka, seam);
  }
  return seam;
}

/**
 * Registers a new client. Its clusters get `fixes` always, and with `fastPaths` the fast
 * path `decorators` too; the fast paths stay off (and nothing is decorated) when the
 * client has no cluster factory to decorate.
 */
export function registerClient(
  kafka: Kafka,
  fastPaths: boolean,
  decorators: ReadonlyArray<(cluster: ClusterInternals, seam: ClientSeam) => void>,
  fixes: ReadonlyArray<(cluster: ClusterInternals, seam: ClientSeam) => void> = [],
  kip447?: (cluster: ClusterInternals, seam: ClientSeam) => void,
): ClientSeam {
  const seam: MutableSeam = {
    fastPaths: false,
    stats: newStats(),
    kip447: false,
    groupMetadata: new Map(),
    txnPartitions: new Map(),
    produceLedgers: new Map(),
    txnV2: new Map(),
    transactionStats: newTransactionStats(),
  };
  clients.set(kafka, seam);
  if (!fastPaths && fixes.length === 0 && kip447 === undefined) return seam;
  const decorated = decorateClusters(kafka, (cluster) => {
    for (const fix of fixes) fix(cluster, seam);
    if (fastPaths) for (const decorate of decorators) decorate(cluster, seam);
    // After the fast paths, so that the KIP-447 wrappers of a broker's methods come outermost:
    // the produce ledger must see the Produce requests the lean encoder sends itself.
    kip447?.(cluster, seam);
  });
  seam.fastPaths = fastPaths && decorated;
  seam.kip447 = kip447 !== undefined && decorated;
  return seam;
}

function decorateClusters(kafka: Kafka, decorate: (cluster: ClusterInternals) => void): boolean {
  type ClusterFactory = (options: unknown) => ClusterInternals;
  const holder = kafka as unknown as Record<symbol, ClusterFactory | undefined>;
  const symbol = Object.getOwnPropertySymbols(kafka).find((s) => s.description === CREATE_CLUSTER_SYMBOL);
  const createCluster = symbol === undefined ? undefined : holder[symbol];
  if (symbol === undefined || typeof createCluster !== "function") return false;
  holder[symbol] = (options: unknown) => {
    const cluster = createCluster(options);
    decorate(cluster);
    return cluster;
  };
  return true;
}
