// KIP-447 (exactly-once v2) through kafkajs' connections: the two requests kafkajs 2.2.4 cannot
// send, written by the wire codecs and sent on the coordinator's kafkajs connection (framing,
// SASL, timeouts and correlation stay kafkajs'):
//
//   TxnOffsetCommit v3   a transaction's offsets with the consumer's generation and member, so
//                        that the group coordinator refuses a zombie's. kafkajs' own
//                        Transaction.sendOffsets runs as ever (AddOffsetsToTxn, its retries on a
//                        moved coordinator); a cluster decorator swaps the request it sends to the
//                        group coordinator for v3 when the transactional id has registered where
//                        its consumer stands in the group. Under transactions v2 (txn-v2.ts)
//                        the same bytes go out as v5, with the producer id and epoch of the last
//                        EndTxn v5, and add the offsets to the transaction themselves.
//   OffsetFetch v7       committed offsets with requireStable: a partition whose offset an open
//                        transaction holds answers UNSTABLE_OFFSET_COMMIT (retriable), so a new
//                        owner waits for the old owner's transaction to end.
import { decodeOffsetFetchV7Response, encodeOffsetFetchV7 } from "../wire/offset-fetch.js";
import { OFFSET_FETCH_API_KEY, OFFSET_FETCH_STABLE_VERSION } from "../wire/offset-fetch.js";
import type { OffsetFetchTopic, OffsetFetchV7Response } from "../wire/offset-fetch.js";
import { decodeTxnOffsetCommitV3Response, encodeTxnOffsetCommitV3 } from "../wire/txn-offset-commit.js";
import {
  TXN_OFFSET_COMMIT_API_KEY,
  TXN_OFFSET_COMMIT_V2_VERSION,
  TXN_OFFSET_COMMIT_VERSION,
} from "../wire/txn-offset-commit.js";
import type { PartitionError } from "../wire/txn-offset-commit.js";
import type { GroupMetadata } from "../types.js";
import type { BrokerInternals, ClusterInternals } from "./kafkajs-internals.js";
import { protocolError, requireVersion, sendRequest } from "./raw-request.js";
import type { TxnV2Registry } from "./txn-v2.js";
import { kafkaErrorType } from "../errors.js";

/** Where each registered transactional producer's consumer stands in its group, read at every commit. */
export type GroupMetadataRegistry = Map<string, () => GroupMetadata>;

const WRAPPED = Symbol("eddy:txnOffsetCommitV3");

interface KafkajsTxnOffsetCommitArgs {
  transactionalId: string;
  groupId: string;
  producerId: number | string;
  producerEpoch: number;
  topics: Array<{
    topic: string;
    partitions: Array<{ partition: number; offset: number | string; metadata?: string | null }>;
  }>;
}

type WrappedBroker = BrokerInternals & { [WRAPPED]?: true };

/** A cluster decorator: group coordinators send a registered transactional id's offsets as TxnOffsetCommit v3. */
export function commitWithGroupMetadata(
  cluster: ClusterInternals,
  registry: GroupMetadataRegistry,
  txnV2: TxnV2Registry,
  onConcurrentTransactions: () => void,
): void {
  const find = cluster.findGroupCoordinator.bind(cluster);
  cluster.findGroupCoordinator = async (group) => {
    const broker = (await find(group)) as WrappedBroker;
    if (broker[WRAPPED] !== true) wrapTxnOffsetCommit(broker, registry, txnV2, onConcurrentTransactions);
    return broker;
  };
}

function wrapTxnOffsetCommit(
  broker: WrappedBroker,
  registry: GroupMetadataRegistry,
  txnV2: TxnV2Registry,
  onConcurrentTransactions: () => void,
): void {
  broker[WRAPPED] = true;
  const kafkajsTxnOffsetCommit = broker.txnOffsetCommit.bind(broker);
  broker.txnOffsetCommit = (raw: Record<string, unknown>) => {
    const args = raw as unknown as KafkajsTxnOffsetCommitArgs;
    const metadata = registry.get(args.transactionalId);
    const v2 = txnV2.get(args.transactionalId);
    // Set by the AddOffsetsToTxn kafkajs sent first (answered without a request under v2).
    const underV2 = v2?.version === 2;
    if (metadata === undefined && !underV2) return kafkajsTxnOffsetCommit(raw);
    // kafkajs' sendOffsets names the group; a registered consumer of another group does not commit here.
    const registered = metadata?.();
    const group =
      registered !== undefined && registered.groupId === args.groupId
        ? registered
        : { groupId: args.groupId, generationId: -1, memberId: "", groupInstanceId: null };
    if (group !== registered && !underV2) return kafkajsTxnOffsetCommit(raw);
    const version = underV2 ? TXN_OFFSET_COMMIT_V2_VERSION : TXN_OFFSET_COMMIT_VERSION;
    requireVersion(broker, TXN_OFFSET_COMMIT_API_KEY, version, "TxnOffsetCommit");
    const producer = underV2 ? v2.producer(Number(args.producerId), args.producerEpoch) : undefined;
    const body = encodeTxnOffsetCommitV3({
      transactionalId: args.transactionalId,
      producerId: producer?.id ?? Number(args.producerId),
      producerEpoch: producer?.epoch ?? args.producerEpoch,
      group,
      topics: args.topics.map(({ topic, partitions }) => ({
        topic,
        partitions: partitions.map((p) => ({
          partition: p.partition,
          offset: Number(p.offset),
          metadata: p.metadata ?? null,
        })),
      })),
    });
    return sendRequest(broker, TXN_OFFSET_COMMIT_API_KEY, version, "TxnOffsetCommit", body, (payload) => {
      const refused: PartitionError[] = decodeTxnOffsetCommitV3Response(payload);
      // As kafkajs' own parser: the first refused partition's error, which its retrier judges.
      if (refused.length === 0) return refused;
      const error = protocolError(refused[0]!.errorCode);
      if (kafkaErrorType(error) === "CONCURRENT_TRANSACTIONS") onConcurrentTransactions();
      throw error;
    });
  };
}

/** OffsetFetch v7 with requireStable, to the group's coordinator. */
export function fetchStableOffsets(
  coordinator: BrokerInternals,
  groupId: string,
  topics: readonly OffsetFetchTopic[],
): Promise<OffsetFetchV7Response> {
  requireVersion(coordinator, OFFSET_FETCH_API_KEY, OFFSET_FETCH_STABLE_VERSION, "OffsetFetch");
  const body = encodeOffsetFetchV7(groupId, topics);
  return sendRequest(coordinator, OFFSET_FETCH_API_KEY, OFFSET_FETCH_STABLE_VERSION, "OffsetFetch", body, (payload) => {
    const answer = decodeOffsetFetchV7Response(payload);
    if (answer.errorCode !== 0) throw protocolError(answer.errorCode);
    const unstable = answer.offsets.find((o) => o.errorCode !== 0);
    if (unstable !== undefined) throw protocolError(unstable.errorCode);
    return answer;
  });
}
