// Transactions v2 (KIP-890 part 2) under kafkajs' transaction manager. Where the cluster has
// finalized transaction.version 2 (Apache Kafka 4.x does by default), Kafka's producer adds
// nothing to a transaction itself: a Produce v12 asks the partition's leader to add the
// partition, a TxnOffsetCommit v5 asks the group coordinator to add the group's offsets, and
// EndTxn v5 bumps the producer epoch at every transaction's end, answering the new id and
// epoch. The coordinator retries a partition's add itself while the last transaction's
// markers are being written (add.partitions.to.txn.retry.backoff.*), so the client no longer
// meets CONCURRENT_TRANSACTIONS right after each commit.
//
// kafkajs 2.2.4 knows none of it and keeps its producer id and epoch to itself. So, for a
// registered transactional id whose coordinator has transactions v2, this decorator answers
// AddPartitionsToTxn and AddOffsetsToTxn without a request and sends EndTxn v5; the id and
// epoch it answers live in TxnV2, which fast-produce.ts (Produce v12, each partition's
// sequence counted again from 0 per epoch) and kip447-requests.ts (TxnOffsetCommit v5) put
// in place of kafkajs' own. Zombies are fenced as before: a new owner's InitProducerId bumps
// the epoch, and a request with an older one is refused.
import { API_VERSIONS_API_KEY, API_VERSIONS_FEATURES_VERSION } from "../wire/api-versions.js";
import { decodeApiVersionsV3Response, encodeApiVersionsV3 } from "../wire/api-versions.js";
import { END_TXN_API_KEY, END_TXN_V2_VERSION, decodeEndTxnV5Response, encodeEndTxnV5 } from "../wire/end-txn.js";
import { TXN_OFFSET_COMMIT_API_KEY, TXN_OFFSET_COMMIT_V2_VERSION } from "../wire/txn-offset-commit.js";
import { KafkaClientSettingError, kafkaErrorType } from "../errors.js";
import { PRODUCE_API_KEY } from "./kafkajs-internals.js";
import type { BrokerInternals, ClusterInternals } from "./kafkajs-internals.js";
import { protocolError, sendRequest } from "./raw-request.js";

/** The Produce version whose transactional batches the leader adds to the transaction itself. */
export const PRODUCE_V2_VERSION = 12;

/**
 * Set to "off", transactions v1 are used whatever the cluster finalized (benchmarks compare
 * the two; an operator may fall back). Read when a producer's first transaction starts.
 */
export const TRANSACTIONS_V2_VARIABLE = "EDDY_KAFKA_TRANSACTIONS_V2";

/** How the transactions of one client went, for tests and benchmarks. */
export interface TransactionStats {
  /** EndTxn requests sent (commits and aborts), either version. */
  endTxn: number;
  /** Of those, EndTxn v5 (transactions v2). */
  endTxnV2: number;
  /**
   * Answers meaning "the last transaction is still ending": CONCURRENT_TRANSACTIONS to
   * AddPartitionsToTxn, AddOffsetsToTxn or TxnOffsetCommit, and under transactions v2 the
   * NOT_ENOUGH_REPLICAS a leader answers a Produce whose add the coordinator kept refusing so.
   */
  concurrentTransactions: number;
}

/** Every client's stats, for the process's totals (a benchmark's peer reports them at exit). */
const everyClient: TransactionStats[] = [];

export function newTransactionStats(): TransactionStats {
  const stats = { endTxn: 0, endTxnV2: 0, concurrentTransactions: 0 };
  everyClient.push(stats);
  return stats;
}

/** The sums over every client this process made. */
export function processTransactionStats(): TransactionStats {
  const total = { endTxn: 0, endTxnV2: 0, concurrentTransactions: 0 };
  for (const stats of everyClient) {
    total.endTxn += stats.endTxn;
    total.endTxnV2 += stats.endTxnV2;
    total.concurrentTransactions += stats.concurrentTransactions;
  }
  return total;
}

/** One transactional id's producer under transactions v2: its id, epoch and sequences. */
export class TxnV2 {
  /** Undefined until the first transaction decides; then fixed for this producer's life. */
  #version: 1 | 2 | undefined;
  #deciding: Promise<1 | 2> | undefined;
  /** What kafkajs last sent as id and epoch (from its InitProducerId). */
  #kafkajs = { id: -1, epoch: -1 };
  #current = { id: -1, epoch: -1 };
  /** Per partition, kafkajs' sequence when the current epoch began: ours count from it. */
  readonly #sequenceBase = new Map<string, number>();

  constructor(readonly stats: TransactionStats) {}

  get version(): 1 | 2 | undefined {
    return this.#version;
  }

  /** Decides once, at the first transaction, from the transaction coordinator. */
  decide(coordinator: BrokerInternals): Promise<1 | 2> {
    if (this.#version !== undefined) return Promise.resolve(this.#version);
    this.#deciding ??= transactionVersionOf(coordinator as CoordinatorBroker).then(
      (version) => (this.#version = version),
      (error: unknown) => {
        this.#deciding = undefined;
        throw error;
      },
    );
    return this.#deciding;
  }

  /**
   * The producer id and epoch to send, given kafkajs' own. kafkajs sends the ones of its last
   * InitProducerId; when they change, it initialized again (a new epoch, sequences from 0).
   */
  producer(kafkajsId: number, kafkajsEpoch: number): { id: number; epoch: number } {
    if (kafkajsId !== this.#kafkajs.id || kafkajsEpoch !== this.#kafkajs.epoch) {
      this.#kafkajs = { id: kafkajsId, epoch: kafkajsEpoch };
      this.#current = { id: kafkajsId, epoch: kafkajsEpoch };
      this.#sequenceBase.clear();
    }
    return this.#current;
  }

  /** EndTxn v5 answered: the next transaction goes out with this id and epoch, sequences from 0. */
  ended(id: number, epoch: number): void {
    this.#current = { id, epoch };
    this.#sequenceBase.clear();
  }

  /**
   * The sequence of a batch kafkajs numbers `kafkajsSequence`. kafkajs counts on across
   * epochs (it never learns of the bumps) and only on success, so between two EndTxn the
   * difference from its count at the first batch of the epoch is the epoch's own count.
   */
  sequence(topic: string, partition: number, kafkajsSequence: number): number {
    const key = `${partition}:${topic}`;
    let base = this.#sequenceBase.get(key);
    if (base === undefined) this.#sequenceBase.set(key, (base = kafkajsSequence));
    const sequence = kafkajsSequence - base;
    // kafkajs wraps its count at 2^31 - 1, as the int32 field does.
    return sequence >= 0 ? sequence : sequence + 0x7fffffff;
  }
}

/** Transactional ids that may use transactions v2, by id. */
export type TxnV2Registry = Map<string, TxnV2>;

const FEATURES = Symbol("eddy:finalizedTransactionVersion");
const WRAPPED = Symbol("eddy:transactionsV2");

type CoordinatorBroker = BrokerInternals & {
  [FEATURES]?: Promise<number>;
  [WRAPPED]?: true;
  addPartitionsToTxn(args: Record<string, unknown>): Promise<unknown>;
  addOffsetsToTxn(args: Record<string, unknown>): Promise<unknown>;
  endTxn(args: Record<string, unknown>): Promise<unknown>;
};

/** Whether EDDY_KAFKA_TRANSACTIONS_V2 allows transactions v2 (on unless "off"); other values are refused. */
export function transactionsV2AllowedByEnvironment(
  env: Readonly<Record<string, string | undefined>> = process.env,
): boolean {
  const raw = env[TRANSACTIONS_V2_VARIABLE];
  const value = raw?.trim().toLowerCase() ?? "";
  if (value === "" || value === "on" || value === "true" || value === "yes" || value === "1") return true;
  if (value === "off" || value === "false" || value === "no" || value === "0") return false;
  throw new KafkaClientSettingError(TRANSACTIONS_V2_VARIABLE, raw ?? "", "on or off");
}

/**
 * 2 when the cluster finalized transaction.version 2 or more and the coordinator speaks
 * EndTxn v5, TxnOffsetCommit v5 and Produce v12; else 1. The finalized features come with
 * ApiVersions v3, which kafkajs (v0-2) does not send: asked once per broker.
 */
async function transactionVersionOf(coordinator: CoordinatorBroker): Promise<1 | 2> {
  if (!transactionsV2AllowedByEnvironment()) return 1;
  const versions = coordinator.versions ?? {};
  const speaks = (apiKey: number, version: number): boolean => (versions[apiKey]?.maxVersion ?? -1) >= version;
  if (
    !speaks(API_VERSIONS_API_KEY, API_VERSIONS_FEATURES_VERSION) ||
    !speaks(END_TXN_API_KEY, END_TXN_V2_VERSION) ||
    !speaks(TXN_OFFSET_COMMIT_API_KEY, TXN_OFFSET_COMMIT_V2_VERSION) ||
    !speaks(PRODUCE_API_KEY, PRODUCE_V2_VERSION)
  ) {
    return 1;
  }
  coordinator[FEATURES] ??= sendRequest(
    coordinator,
    API_VERSIONS_API_KEY,
    API_VERSIONS_FEATURES_VERSION,
    "ApiVersions",
    encodeApiVersionsV3("eddy", "1"),
    (payload) => decodeApiVersionsV3Response(payload).finalizedFeatures.get("transaction.version") ?? 0,
  ).catch((error: unknown) => {
    delete coordinator[FEATURES];
    throw error;
  });
  return (await coordinator[FEATURES]) >= 2 ? 2 : 1;
}

/** kafkajs' parsed answers when nothing was refused (its transaction manager reads none). */
const ADDED_BY_THE_BROKER = { throttleTime: 0, errors: [] };
const OFFSETS_ADDED_BY_THE_BROKER = { throttleTime: 0, errorCode: 0 };

/** A cluster decorator: registered transactional ids use transactions v2 where their coordinator has them. */
export function transactionsV2(cluster: ClusterInternals, registry: TxnV2Registry, stats: TransactionStats): void {
  const find = cluster.findGroupCoordinator.bind(cluster);
  cluster.findGroupCoordinator = async (group) => {
    const broker = (await find(group)) as CoordinatorBroker;
    if (broker[WRAPPED] !== true && typeof broker.endTxn === "function") wrap(broker, registry, stats);
    return broker;
  };
}

function wrap(broker: CoordinatorBroker, registry: TxnV2Registry, stats: TransactionStats): void {
  broker[WRAPPED] = true;
  const kafkajsAddPartitions = broker.addPartitionsToTxn.bind(broker);
  const kafkajsAddOffsets = broker.addOffsetsToTxn.bind(broker);
  const kafkajsEndTxn = broker.endTxn.bind(broker);
  const v2Of = async (args: Record<string, unknown>): Promise<TxnV2 | undefined> => {
    const txn = typeof args.transactionalId === "string" ? registry.get(args.transactionalId) : undefined;
    return txn !== undefined && (await txn.decide(broker)) === 2 ? txn : undefined;
  };
  broker.addPartitionsToTxn = async (args) => {
    if ((await v2Of(args)) !== undefined) return ADDED_BY_THE_BROKER;
    return kafkajsAddPartitions(args);
  };
  broker.addOffsetsToTxn = async (args) => {
    if ((await v2Of(args)) !== undefined) return OFFSETS_ADDED_BY_THE_BROKER;
    try {
      return await kafkajsAddOffsets(args);
    } catch (error) {
      if (kafkaErrorType(error) === "CONCURRENT_TRANSACTIONS") stats.concurrentTransactions += 1;
      throw error;
    }
  };
  broker.endTxn = async (args) => {
    stats.endTxn += 1;
    const txn = await v2Of(args);
    if (txn === undefined) return kafkajsEndTxn(args);
    stats.endTxnV2 += 1;
    const { id, epoch } = txn.producer(Number(args.producerId), Number(args.producerEpoch));
    const body = encodeEndTxnV5({
      transactionalId: args.transactionalId as string,
      producerId: id,
      producerEpoch: epoch,
      committed: args.transactionResult === true,
    });
    return sendRequest(broker, END_TXN_API_KEY, END_TXN_V2_VERSION, "EndTxn", body, (payload) => {
      const answer = decodeEndTxnV5Response(payload);
      if (answer.errorCode !== 0) throw protocolError(answer.errorCode);
      txn.ended(answer.producerId, answer.producerEpoch);
      return { throttleTime: 0, errorCode: 0 };
    });
  };
}
