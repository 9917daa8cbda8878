// Reads given partitions from given offsets, read_committed, without joining any
// consumer group: what Kafka Streams' restore consumer does with assign() + seek().
//
// kafkajs has no manual assignment; every kafkajs consumer is a group member. This
// module is the one workaround for that (DESIGN.md): kafkajs hands each partition
// assigner the consumer's `Cluster` (a typed part of its PartitionAssigner API), and
// the Cluster gives typed access to the partition leaders and their Fetch and
// ListOffsets requests. So the reader builds a consumer that is never subscribed or
// run (it never joins a group), keeps the Cluster its assigner factory received, and
// fetches through it. Aborted transactions and control records are filtered here, the
// same way kafkajs' consumer does it.
//
// Restore speed: when the broker speaks Fetch v11 (Kafka 2.3+ and the embedded broker),
// the request still goes through the leader's kafkajs connection (version negotiation,
// framing, SASL, timeouts), but its response is decoded by fetch-response-decoder.ts
// rather than kafkajs' per-record decoder. kafkajs 2.2.4 is pinned exactly; the two
// internals used for that (Broker.lookupRequest, Broker.connectionPool) are only
// reached from this module.
import { createRequire } from "node:module";
import type { Cluster, Consumer, Kafka, PartitionAssigner } from "kafkajs";
import { decodeFetchResponseV11 } from "./wire/fetch-response-decoder.js";
import type { DecodedFetchResponse } from "./wire/fetch-response-decoder.js";
import type { ConsumedRecord, TopicPartition, TopicPartitionOffset } from "./types.js";
import { fromKafkajsHeaders, topicPartitionKey } from "./types.js";

const require = createRequire(import.meta.url);
// kafkajs' Fetch request definitions (all versions) and its protocol error table.
const fetchRequests = require("kafkajs/src/protocol/requests/fetch") as unknown;
const { createErrorFromCode } = require("kafkajs/src/protocol/error") as { createErrorFromCode(code: number): Error };
const { KafkaJSOffsetOutOfRange } = require("kafkajs") as {
  KafkaJSOffsetOutOfRange: new (e: Error, meta: { topic: string; partition: number }) => Error;
};
const FETCH_API_KEY = 1;
const OFFSET_OUT_OF_RANGE = 1;

interface ProtocolRequest {
  request: { apiVersion: number };
  response: { decode(payload: Buffer): Promise<unknown>; parse(data: unknown): Promise<unknown> };
  requestTimeout?: number;
}

interface BrokerInternals {
  lookupRequest(apiKey: number, definitions: unknown): (args: Record<string, unknown>) => ProtocolRequest;
  connectionPool: { send(request: ProtocolRequest): Promise<unknown> };
  disconnect(): Promise<void>;
  fetch(request: Record<string, unknown>): Promise<unknown>;
}

const READ_COMMITTED = 1;
const STALE_METADATA = new Set([
  "LEADER_NOT_AVAILABLE",
  "NOT_LEADER_FOR_PARTITION",
  "FENCED_LEADER_EPOCH",
  "UNKNOWN_LEADER_EPOCH",
  "UNKNOWN_TOPIC_OR_PARTITION",
]);
// The control record key of an abort marker: version 0, type 0 (commit is type 1).
const ABORT_MARKER_KEY = Buffer.from([0, 0, 0, 0]);

export interface ReadOptions {
  /** Longest the broker may hold the request when there is no data (long polling). */
  maxWaitMs: number;
  maxBytes: number;
  maxBytesPerPartition: number;
}

export interface PartitionRead extends TopicPartition {
  /** Committed data records, in offset order; control records and aborted data removed. */
  records: ConsumedRecord[];
  /** Where the next read of this partition starts: past every returned batch, markers included. */
  nextOffset: number;
  /** The partition's last stable offset as the broker reported it in this response. */
  lastStableOffset: number;
}

interface KafkajsMessage {
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: Record<string, unknown>;
  isControlRecord?: boolean;
  batchContext: { firstOffset: string; lastOffsetDelta: number; producerId: string; inTransaction: boolean };
}

interface KafkajsFetchPartition {
  partition: number;
  errorCode: number;
  highWatermark: string;
  lastStableOffset: string;
  abortedTransactions: Array<{ producerId: string; firstOffset: string }>;
  messages: KafkajsMessage[];
}

interface KafkajsFetchResponse {
  responses: Array<{ topicName: string; partitions: KafkajsFetchPartition[] }>;
}

interface KafkajsError {
  name?: string;
  type?: string;
  host?: string;
  port?: number;
}

export class PartitionReader {
  private constructor(
    private readonly consumer: Consumer,
    private readonly cluster: Cluster,
  ) {}

  static async connect(kafka: Kafka, name: string): Promise<PartitionReader> {
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
    return new PartitionReader(consumer, cluster);
  }

  async close(): Promise<void> {
    await this.consumer.disconnect();
  }

  /** The last stable offset of each partition: the end of what read_committed can see. */
  async endOffsets(partitions: readonly TopicPartition[]): Promise<Map<string, number>> {
    return this.listOffsets(partitions, false);
  }

  /** The log start offset of each partition (after retention or DeleteRecords). */
  async beginningOffsets(partitions: readonly TopicPartition[]): Promise<Map<string, number>> {
    return this.listOffsets(partitions, true);
  }

  private async listOffsets(
    partitions: readonly TopicPartition[],
    fromBeginning: boolean,
  ): Promise<Map<string, number>> {
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
   * One Fetch per partition leader, in parallel. Returns what each partition had; a
   * partition with nothing new comes back with no records and an unchanged nextOffset,
   * unless its offsets up to the LSO hold no records at all (compacted away), in which
   * case nextOffset moves to the LSO so that callers waiting for "the end" get there.
   */
  async read(positions: readonly TopicPartitionOffset[], options: ReadOptions): Promise<PartitionRead[]> {
    if (positions.length === 0) return [];
    const reads = await this.fetchOnce(positions, options);
    const requested = new Map(positions.map((p) => [topicPartitionKey(p), p.offset]));
    const gaps = reads.filter(
      (r) =>
        r.records.length === 0 &&
        r.nextOffset === requested.get(topicPartitionKey(r)) &&
        r.lastStableOffset > r.nextOffset,
    );
    if (gaps.length === 0 || positions.length === 1) return this.skipGaps(reads, positions.length === 1);
    // A partition other than the first may come back empty only because the response
    // reached maxBytes in the middle of its batch; alone in a request, its first batch
    // is returned whole, so an empty answer then really means a gap.
    for (const gap of gaps) {
      const [solo] = await this.fetchOnce([{ topic: gap.topic, partition: gap.partition, offset: gap.nextOffset }], {
        ...options,
        maxWaitMs: 0,
      });
      if (solo) reads[reads.indexOf(gap)] = this.skipGaps([solo], true)[0] ?? solo;
    }
    return reads;
  }

  private skipGaps(reads: PartitionRead[], confirmed: boolean): PartitionRead[] {
    if (!confirmed) return reads;
    return reads.map((r) =>
      r.records.length === 0 && r.lastStableOffset > r.nextOffset ? { ...r, nextOffset: r.lastStableOffset } : r,
    );
  }

  private async fetchOnce(positions: readonly TopicPartitionOffset[], options: ReadOptions): Promise<PartitionRead[]> {
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
            const fast = await this.fastFetch(broker, request, wanted);
            if (fast) return fast;
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
  ): Promise<PartitionRead[] | undefined> {
    if (typeof broker.lookupRequest !== "function" || !broker.connectionPool) return undefined;
    const protocolRequest = broker.lookupRequest(FETCH_API_KEY, fetchRequests)(request);
    if (protocolRequest.request.apiVersion !== 11) return undefined;
    protocolRequest.response = {
      decode: (payload: Buffer) => Promise.resolve(decodeFetchResponseV11(payload, fetchOffsets)),
      parse: (data: unknown) => Promise.resolve(data),
    };
    let decoded: DecodedFetchResponse;
    try {
      decoded = (await broker.connectionPool.send(protocolRequest)) as DecodedFetchResponse;
    } catch (error) {
      // What kafkajs' Broker does for its own requests: a closed connection is dropped.
      if ((error as KafkajsError).name === "KafkaJSConnectionClosedError")
        await broker.disconnect().catch(() => undefined);
      throw error;
    }
    if (!decoded.supported) return undefined;
    if (decoded.errorCode !== 0) throw createErrorFromCode(decoded.errorCode);
    for (const p of decoded.partitions) {
      if (p.errorCode === OFFSET_OUT_OF_RANGE) {
        throw new KafkaJSOffsetOutOfRange(createErrorFromCode(p.errorCode), { topic: p.topic, partition: p.partition });
      }
      if (p.errorCode !== 0) throw createErrorFromCode(p.errorCode);
    }
    return decoded.partitions.map((p) => ({
      topic: p.topic,
      partition: p.partition,
      records: p.records,
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
      if (e.name === "KafkaJSConnectionClosedError" && e.host !== undefined && e.port !== undefined) {
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

function toPartitionRead(topic: string, fetchOffset: number, data: KafkajsFetchPartition): PartitionRead {
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
