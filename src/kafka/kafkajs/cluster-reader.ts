// The kafkajs half of the partition reader (../partition-reader.ts): reads given
// partitions from given offsets, read_committed, without joining any consumer group.
//
// kafkajs has no manual assignment; every kafkajs consumer is a group member. Its
// PartitionAssigner API hands each assigner factory the consumer's Cluster, which gives
// typed access to the partition leaders and their Fetch and ListOffsets requests. So the
// reader builds a consumer that is never subscribed or run (it never joins a group), keeps
// the Cluster its assigner factory received, and fetches through it. Aborted transactions
// and control records are filtered here, as kafkajs' consumer does.
//
// With the fast paths on and a broker that speaks Fetch v11 (Kafka 2.3+, the embedded
// broker), the request still goes through the leader's kafkajs connection (version
// negotiation, framing, SASL, timeouts), but its response is decoded by
// fetch-response-decoder.ts rather than kafkajs' per-record decoder: restore is a bulk load.
import kafkajs from "kafkajs";
import type { Cluster, Consumer, Kafka, PartitionAssigner } from "kafkajs";
import { decodeFetchResponseV11 } from "../wire/fetch-response-decoder.js";
import type { DecodedFetchResponse } from "../wire/fetch-response-decoder.js";
import { fromKafkajsHeaders, topicPartitionKey } from "../types.js";
import type {
  CommittedOffset,
  ConsumedRecord,
  PartitionRead,
  ReadOptions,
  TopicPartition,
  TopicPartitionOffset,
} from "../types.js";
import { seamOf } from "./client-hooks.js";
import { fetchStableOffsets } from "./kip447-requests.js";
import type { ClientSeam } from "./client-hooks.js";
import { FETCH_API_KEY, internals, isConnectionClosed, kafkajsProtocolError } from "./kafkajs-internals.js";
import type { BrokerInternals, KafkajsFetchResponse, KafkajsFetchedPartition } from "./kafkajs-internals.js";

const READ_COMMITTED = 1;
const OFFSET_OUT_OF_RANGE = 1;
const STALE_METADATA = new Set([
  "LEADER_NOT_AVAILABLE",
  "NOT_LEADER_FOR_PARTITION",
  "FENCED_LEADER_EPOCH",
  "UNKNOWN_LEADER_EPOCH",
  "UNKNOWN_TOPIC_OR_PARTITION",
]);
// The control record key of an abort marker: version 0, type 0 (commit is type 1).
const ABORT_MARKER_KEY = Buffer.from([0, 0, 0, 0]);

interface KafkajsError {
  name?: string;
  type?: string;
  host?: string;
  port?: number;
}

export class ClusterReader {
  private constructor(
    private readonly consumer: Consumer,
    private readonly cluster: Cluster,
    private readonly seam: ClientSeam,
  ) {}

  static async connect(kafka: Kafka, name: string): Promise<ClusterReader> {
    let cluster: Cluster | undefined;
    const captureCluster: PartitionAssigner = (config) => {
      cluster = config.cluster;
      return {
        name: "EddyPartitionReader",
        version: 0,
        assign: () => Promise.resolve([]),
        protocol: () => ({ name: "EddyPartitionReader", metadata: Buffer.alloc(0) }),
      };
    };
    // The group id is required by kafkajs but never used: this consumer never joins.
    const consumer = kafka.consumer({
      groupId: `${name}-never-joins`,
      partitionAssigners: [captureCluster],
      allowAutoTopicCreation: false,
      readUncommitted: false,
    });
    if (!cluster) throw new Error("kafkajs did not hand the partition assigner its cluster");
    await consumer.connect();
    return new ClusterReader(consumer, cluster, seamOf(kafka));
  }

  async close(): Promise<void> {
    await this.consumer.disconnect();
  }

  /** ListOffsets per partition: the log start (`fromBeginning`) or the last stable offset. */
  async listOffsets(partitions: readonly TopicPartition[], fromBeginning: boolean): Promise<Map<string, number>> {
    const byTopic = groupByTopic(partitions);
    const result = new Map<string, number>();
    if (byTopic.size === 0) return result;
    await this.guard(async () => {
      await this.cluster.addMultipleTargetTopics([...byTopic.keys()]);
      const offsets = await this.cluster.fetchTopicsOffset(
        [...byTopic].map(([topic, ps]) => ({
          topic,
          fromBeginning,
          partitions: ps.map((partition) => ({ partition })),
        })),
      );
      for (const { topic, partitions: ps } of offsets) {
        for (const p of ps) result.set(topicPartitionKey({ topic, partition: p.partition }), Number(p.offset));
      }
    });
    return result;
  }

  /**
   * The group's committed offsets of `partitions` (OffsetFetch v7 with requireStable, see
   * kip447-requests.ts): throws UNSTABLE_OFFSET_COMMIT, retriable, while an open transaction
   * holds one of them. Partitions without a commit are left out.
   */
  async stableCommittedOffsets(
    groupId: string,
    partitions: readonly TopicPartition[],
  ): Promise<Map<string, CommittedOffset>> {
    const result = new Map<string, CommittedOffset>();
    if (partitions.length === 0) return result;
    const answer = await this.guard(async () => {
      const coordinator = (await this.cluster.findGroupCoordinator({ groupId })) as unknown as BrokerInternals;
      return fetchStableOffsets(
        coordinator,
        groupId,
        [...groupByTopic(partitions)].map(([topic, ps]) => ({ topic, partitions: ps })),
      );
    });
    for (const { topic, partition, offset, metadata } of answer.offsets) {
      if (offset >= 0) result.set(topicPartitionKey({ topic, partition }), { offset, metadata });
    }
    return result;
  }

  /** One Fetch per partition leader, in parallel; the answers in the order of `positions`. */
  fetch(positions: readonly TopicPartitionOffset[], options: ReadOptions): Promise<PartitionRead[]> {
    return this.#fetch(positions, options, false) as Promise<PartitionRead[]>;
  }

  /**
   * As fetch(), but each partition's records are decoded as they are iterated, a batch at
   * a time, where the lean decoder reads the response: a bulk load (restore) then holds
   * the response bytes between fetch and write, not an object per record.
   */
  fetchLazily(
    positions: readonly TopicPartitionOffset[],
    options: ReadOptions,
  ): Promise<Array<PartitionRead<Iterable<ConsumedRecord>>>> {
    return this.#fetch(positions, options, true);
  }

  async #fetch(
    positions: readonly TopicPartitionOffset[],
    options: ReadOptions,
    lazy: boolean,
  ): Promise<Array<PartitionRead<Iterable<ConsumedRecord>>>> {
    const wanted = new Map(positions.map((p) => [topicPartitionKey(p), p.offset]));
    const byTopic = groupByTopic(positions);
    return this.guard(async () => {
      await this.cluster.addMultipleTargetTopics([...byTopic.keys()]);
      const byLeader = new Map<string, Array<{ topic: string; partitions: number[] }>>();
      for (const [topic, partitions] of byTopic) {
        for (const [leader, ps] of Object.entries(this.cluster.findLeaderForPartitions(topic, partitions))) {
          const list = byLeader.get(leader) ?? [];
          list.push({ topic, partitions: ps });
          byLeader.set(leader, list);
        }
      }
      const reads = (
        await Promise.all(
          [...byLeader].map(async ([nodeId, topics]) => {
            const broker = (await this.cluster.findBroker({ nodeId })) as unknown as BrokerInternals;
            const request = {
              isolationLevel: READ_COMMITTED,
              maxWaitTime: options.maxWaitMs,
              minBytes: 1,
              maxBytes: options.maxBytes,
              topics: topics.map(({ topic, partitions }) => ({
                topic,
                partitions: partitions.map((partition) => ({
                  partition,
                  fetchOffset: String(wanted.get(topicPartitionKey({ topic, partition })) ?? 0),
                  maxBytes: options.maxBytesPerPartition,
                })),
              })),
            };
            if (this.seam.fastPaths) {
              const fast = await this.fastFetch(broker, request, wanted, lazy);
              if (fast) return fast;
            }
            const response = (await broker.fetch(request)) as KafkajsFetchResponse;
            return response.responses.flatMap(({ topicName, partitions }) =>
              partitions.map((data) =>
                toPartitionRead(
                  topicName,
                  wanted.get(topicPartitionKey({ topic: topicName, partition: data.partition })) ?? 0,
                  data,
                ),
              ),
            );
          }),
        )
      ).flat();
      // Same order as asked, so callers can pair answers with positions.
      const index = new Map(positions.map((p, i) => [topicPartitionKey(p), i]));
      return reads.sort((a, b) => (index.get(topicPartitionKey(a)) ?? 0) - (index.get(topicPartitionKey(b)) ?? 0));
    });
  }

  /**
   * Sends the Fetch on the broker's own kafkajs connection, decoding the answer with the
   * lean decoder; undefined when the negotiated version is not 11 or a batch needs
   * kafkajs (compression), in which case the caller fetches the ordinary way.
   */
  private async fastFetch(
    broker: BrokerInternals,
    request: Record<string, unknown>,
    fetchOffsets: ReadonlyMap<string, number>,
    lazy: boolean,
  ): Promise<Array<PartitionRead<Iterable<ConsumedRecord>>> | undefined> {
    const protocolRequest = broker.lookupRequest(FETCH_API_KEY, internals().fetchRequests)(request);
    if (protocolRequest.request.apiVersion !== 11) return undefined;
    protocolRequest.response = {
      decode: (payload: Buffer) => Promise.resolve(decodeFetchResponseV11(payload, fetchOffsets, { lazy })),
      parse: (data: unknown) => Promise.resolve(data),
    };
    let decoded: DecodedFetchResponse;
    try {
      decoded = (await broker.connectionPool.send(protocolRequest)) as DecodedFetchResponse;
    } catch (error) {
      // What kafkajs' Broker does for its own requests: a closed connection is dropped.
      if (isConnectionClosed(error)) await broker.disconnect().catch(() => undefined);
      throw error;
    }
    if (!decoded.supported) return undefined;
    // The errors kafkajs' own response parser would throw, so that callers classify them alike.
    if (decoded.errorCode !== 0) throw kafkajsProtocolError(decoded.errorCode);
    for (const p of decoded.partitions) {
      if (p.errorCode === OFFSET_OUT_OF_RANGE) {
        throw new kafkajs.KafkaJSOffsetOutOfRange(kafkajsProtocolError(p.errorCode), {
          topic: p.topic,
          partition: p.partition,
        });
      }
      if (p.errorCode !== 0) throw kafkajsProtocolError(p.errorCode);
    }
    this.seam.stats.restoreFetchesDecoded += 1;
    return decoded.partitions.map((p) => ({
      topic: p.topic,
      partition: p.partition,
      records: p.lazyRecords ?? p.records,
      nextOffset: p.nextOffset,
      lastStableOffset: p.lastStableOffset,
    }));
  }

  /** Refreshes stale metadata and drops dead connections before the error reaches the caller's backoff. */
  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      const e = error as KafkajsError;
      if (isConnectionClosed(e) && e.host !== undefined && e.port !== undefined) {
        this.cluster.removeBroker({ host: e.host, port: e.port });
      }
      if ((e.type !== undefined && STALE_METADATA.has(e.type)) || e.name === "KafkaJSBrokerNotFound") {
        await this.cluster.refreshMetadata().catch(() => undefined);
      }
      throw error;
    }
  }
}

function groupByTopic(partitions: readonly TopicPartition[]): Map<string, number[]> {
  const byTopic = new Map<string, number[]>();
  for (const { topic, partition } of partitions) {
    const list = byTopic.get(topic) ?? [];
    if (!list.includes(partition)) list.push(partition);
    byTopic.set(topic, list);
  }
  return byTopic;
}

/** A partition as kafkajs decoded it, its aborted transactions and control records filtered out. */
function toPartitionRead(topic: string, fetchOffset: number, data: KafkajsFetchedPartition): PartitionRead {
  const records: ConsumedRecord[] = [];
  let nextOffset = fetchOffset;
  const aborted = [...data.abortedTransactions]
    .map((t) => ({ producerId: t.producerId, firstOffset: Number(t.firstOffset) }))
    .sort((a, b) => a.firstOffset - b.firstOffset);
  const abortedProducers = new Set<string>();
  for (const message of data.messages) {
    const offset = Number(message.offset);
    // A compressed batch may start before the requested offset.
    if (offset < fetchOffset) continue;
    const batchEnd = Number(message.batchContext.firstOffset) + message.batchContext.lastOffsetDelta + 1;
    if (batchEnd > nextOffset) nextOffset = batchEnd;
    while (aborted.length > 0 && offset >= (aborted[0]?.firstOffset ?? Infinity)) {
      abortedProducers.add(aborted.shift()?.producerId ?? "");
    }
    const { producerId, inTransaction } = message.batchContext;
    if (message.isControlRecord) {
      if (message.key !== null && ABORT_MARKER_KEY.equals(message.key)) abortedProducers.delete(producerId);
      continue;
    }
    if (inTransaction && abortedProducers.has(producerId)) continue;
    records.push({
      topic,
      partition: data.partition,
      offset,
      timestamp: Number(message.timestamp),
      key: message.key,
      value: message.value,
      headers: fromKafkajsHeaders(message.headers),
    });
  }
  return { topic, partition: data.partition, records, nextOffset, lastStableOffset: Number(data.lastStableOffset) };
}
