// KIP-447 (exactly-once v2) through kafkajs' connections: the two requests kafkajs 2.2.4 cannot
// send, written by the wire codecs and sent on the coordinator's kafkajs connection (framing,
// SASL, timeouts and correlation stay kafkajs'):
//
//   TxnOffsetCommit v3   a transaction's offsets with the consumer's generation and member, so
//                        that the group coordinator refuses a zombie's. kafkajs' own
//                        Transaction.sendOffsets runs as ever (AddOffsetsToTxn, its retries on a
//                        moved coordinator); a cluster decorator swaps the request it sends to the
//                        group coordinator for v3 when the transactional id has registered where
//                        its consumer stands in the group.
//   OffsetFetch v7       committed offsets with requireStable: a partition whose offset an open
//                        transaction holds answers UNSTABLE_OFFSET_COMMIT (retriable), so a new
//                        owner waits for the old owner's transaction to end.
import { decodeOffsetFetchV7Response, encodeOffsetFetchV7 } from "../wire/offset-fetch.js";
import { OFFSET_FETCH_API_KEY, OFFSET_FETCH_STABLE_VERSION } from "../wire/offset-fetch.js";
import type { OffsetFetchTopic, OffsetFetchV7Response } from "../wire/offset-fetch.js";
import { decodeTxnOffsetCommitV3Response, encodeTxnOffsetCommitV3 } from "../wire/txn-offset-commit.js";
import { TXN_OFFSET_COMMIT_API_KEY, TXN_OFFSET_COMMIT_VERSION } from "../wire/txn-offset-commit.js";
import type { PartitionError } from "../wire/txn-offset-commit.js";
import type { GroupMetadata } from "../types.js";
import { BrokerVersionError } from "../errors.js";
import { isConnectionClosed, kafkajsProtocolError } from "./kafkajs-internals.js";
import type { BrokerInternals, ClusterInternals, ProtocolRequest } from "./kafkajs-internals.js";

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
export function commitWithGroupMetadata(cluster: ClusterInternals, registry: GroupMetadataRegistry): void {
  const find = cluster.findGroupCoordinator.bind(cluster);
  cluster.findGroupCoordinator = async (group) => {
    const broker = (await find(group)) as WrappedBroker;
    if (broker[WRAPPED] !== true) wrapTxnOffsetCommit(broker, registry);
    return broker;
  };
}

function wrapTxnOffsetCommit(broker: WrappedBroker, registry: GroupMetadataRegistry): void {
  broker[WRAPPED] = true;
  const kafkajsTxnOffsetCommit = broker.txnOffsetCommit.bind(broker);
  broker.txnOffsetCommit = (raw: Record<string, unknown>) => {
    const args = raw as unknown as KafkajsTxnOffsetCommitArgs;
    const metadata = registry.get(args.transactionalId);
    if (metadata === undefined) return kafkajsTxnOffsetCommit(raw);
    const group = metadata();
    // kafkajs' sendOffsets names the group; the registered consumer must be of that group.
    if (group.groupId !== args.groupId) return kafkajsTxnOffsetCommit(raw);
    requireVersion(broker, TXN_OFFSET_COMMIT_API_KEY, TXN_OFFSET_COMMIT_VERSION, "TxnOffsetCommit");
    const body = encodeTxnOffsetCommitV3({
      transactionalId: args.transactionalId,
      producerId: Number(args.producerId),
      producerEpoch: args.producerEpoch,
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
    return send(broker, TXN_OFFSET_COMMIT_API_KEY, TXN_OFFSET_COMMIT_VERSION, "TxnOffsetCommit", body, (payload) => {
      const refused: PartitionError[] = decodeTxnOffsetCommitV3Response(payload);
      // As kafkajs' own parser: the first refused partition's error, which its retrier judges.
      if (refused.length > 0) throw kafkajsProtocolError(refused[0]!.errorCode);
      return refused;
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
  return send(coordinator, OFFSET_FETCH_API_KEY, OFFSET_FETCH_STABLE_VERSION, "OffsetFetch", body, (payload) => {
    const answer = decodeOffsetFetchV7Response(payload);
    if (answer.errorCode !== 0) throw kafkajsProtocolError(answer.errorCode);
    const unstable = answer.offsets.find((o) => o.errorCode !== 0);
    if (unstable !== undefined) throw kafkajsProtocolError(unstable.errorCode);
    return answer;
  });
}

function requireVersion(broker: BrokerInternals, apiKey: number, version: number, api: string): void {
  const range = broker.versions?.[apiKey];
  if (range === undefined || range.maxVersion < version) {
    throw new BrokerVersionError(`${api} v${version}`, range?.maxVersion);
  }
}

async function send<T>(
  broker: BrokerInternals,
  apiKey: number,
  apiVersion: number,
  apiName: string,
  body: Buffer,
  decode: (payload: Buffer) => T,
): Promise<T> {
  const request: ProtocolRequest = {
    // kafkajs frames whatever encode() returns through Encoder.writeEncoder, which reads `.buf` and `.buffer`.
    request: { apiKey, apiVersion, apiName, encode: () => Promise.resolve({ buf: body, buffer: body }) },
    response: { decode: (payload: Buffer) => Promise.resolve(payload), parse: (payload) => decodeAsync(payload) },
    // The caller judges every error answer (UNSTABLE_OFFSET_COMMIT is retried, not worth a log line each time).
    logResponseError: false,
  };
  const decodeAsync = (payload: unknown): Promise<T> => {
    try {
      return Promise.resolve(decode(payload as Buffer));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  };
  try {
    return (await broker.connectionPool.send(request)) as T;
  } catch (error) {
    // What kafkajs' Broker does for its own requests: a closed connection is dropped.
    if (isConnectionClosed(error)) await broker.disconnect().catch(() => undefined);
    throw error;
  }
}
