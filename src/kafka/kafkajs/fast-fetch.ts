// Puts fetch-response-decoder.ts in the path of the application's consumer.
//
// kafkajs' consumer keeps doing everything: the group, the fetch loop, positions,
// pausing and seeking, the Batch objects handed to eachBatch, resolving offsets. Only
// the decoding of Fetch v11 responses changes: records come out of the lean decoder in
// the runtime's shape (numeric offsets and timestamps, headers as a list), aborted
// transactions are already filtered, and each left-out batch (markers, aborted data)
// is represented by one control-record entry at its last offset, so that kafkajs still
// moves the consumer's position past it. Compressed batches and other versions are
// decoded by kafkajs as before. kafkajs 2.2.4 is pinned; the internals used are the
// ones of fast-produce.ts: Cluster.findBroker, Broker.fetch, Broker.lookupRequest and
// Broker.connectionPool.
import { createRequire } from "node:module";
import type { Cluster } from "kafkajs";
import { decodeFetchResponseV11 } from "../wire/fetch-response-decoder.js";
import type { DecodedFetchResponse } from "../wire/fetch-response-decoder.js";

const require = createRequire(import.meta.url);
const fetchRequests = require("kafkajs/src/protocol/requests/fetch") as unknown;
const FETCH_API_KEY = 1;
const WRAPPED = Symbol("eddy:fastFetch");

interface FetchRequest {
  topics: Array<{ topic: string; partitions: Array<{ partition: number; fetchOffset: string; maxBytes: number }> }>;
  [field: string]: unknown;
}

interface ProtocolResponse {
  decode(payload: Buffer): Promise<unknown>;
  parse(data: unknown): Promise<unknown>;
}

interface ProtocolRequest {
  request: { apiVersion: number };
  response: ProtocolResponse;
}

interface BrokerInternals {
  fetch(request: FetchRequest): Promise<unknown>;
  lookupRequest?(apiKey: number, definitions: unknown): (args: Record<string, unknown>) => ProtocolRequest;
  connectionPool?: { send(request: ProtocolRequest): Promise<unknown> };
  disconnect(): Promise<void>;
  [WRAPPED]?: boolean;
}

/** Makes the fetches of this cluster (a consumer's) decode with the lean decoder. */
export function installFastFetch(cluster: Cluster): void {
  const holder = cluster as unknown as { findBroker(node: { nodeId: string }): Promise<BrokerInternals> };
  const findBroker = holder.findBroker.bind(cluster);
  holder.findBroker = async (node) => {
    const broker = await findBroker(node);
    wrapFetch(broker);
    return broker;
  };
}

function wrapFetch(broker: BrokerInternals): void {
  if (broker[WRAPPED] || typeof broker.lookupRequest !== "function" || !broker.connectionPool) return;
  broker[WRAPPED] = true;
  const kafkajsFetch = broker.fetch.bind(broker);
  broker.fetch = async (request: FetchRequest) => {
    const lookup = broker.lookupRequest;
    const pool = broker.connectionPool;
    if (!lookup || !pool) return kafkajsFetch(request);
    // As kafkajs does: the partitions in a random order, so that maxBytes does not always
    // favour the same ones (KIP-74).
    const protocolRequest = lookup(FETCH_API_KEY, fetchRequests)({ ...request, topics: shuffled(request.topics) });
    if (protocolRequest.request.apiVersion !== 11) return kafkajsFetch(request);
    const fetchOffsets = new Map<string, number>();
    for (const { topic, partitions } of request.topics) {
      for (const p of partitions) fetchOffsets.set(`${topic}|${p.partition}`, Number(p.fetchOffset));
    }
    const kafkajsResponse = protocolRequest.response;
    protocolRequest.response = {
      decode: (payload: Buffer) => {
        const decoded = decodeFetchResponseV11(payload, fetchOffsets, { markSkipped: true });
        return decoded.supported ? Promise.resolve(asKafkajsResponse(decoded)) : kafkajsResponse.decode(payload);
      },
      // kafkajs' own checks of the error codes (OffsetOutOfRange with its topic and partition...).
      parse: (data: unknown) => kafkajsResponse.parse(data),
    };
    try {
      return await pool.send(protocolRequest);
    } catch (error) {
      if ((error as { name?: string }).name === "KafkaJSConnectionClosedError")
        await broker.disconnect().catch(() => undefined);
      throw error;
    }
  };
}

/** The shape kafkajs' consumer builds its Batch objects from. */
function asKafkajsResponse(decoded: DecodedFetchResponse): unknown {
  const byTopic = new Map<string, unknown[]>();
  for (const p of decoded.partitions) {
    const list = byTopic.get(p.topic) ?? [];
    list.push({
      partition: p.partition,
      errorCode: p.errorCode,
      highWatermark: String(p.highWatermark),
      lastStableOffset: String(p.lastStableOffset),
      lastStartOffset: String(p.logStartOffset),
      // Already applied by the decoder.
      abortedTransactions: [],
      preferredReadReplica: -1,
      messages: p.records,
    });
    byTopic.set(p.topic, list);
  }
  return {
    throttleTime: 0,
    clientSideThrottleTime: 0,
    errorCode: decoded.errorCode,
    sessionId: 0,
    responses: [...byTopic].map(([topicName, partitions]) => ({ topicName, partitions })),
  };
}

function shuffled(topics: FetchRequest["topics"]): FetchRequest["topics"] {
  const flat = topics.flatMap(({ topic, partitions }) => partitions.map((p) => ({ topic, p })));
  for (let i = flat.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [flat[i], flat[j]] = [flat[j] as (typeof flat)[number], flat[i] as (typeof flat)[number]];
  }
  const out: FetchRequest["topics"] = [];
  for (const { topic, p } of flat) {
    const last = out[out.length - 1];
    if (last && last.topic === topic) last.partitions.push(p);
    else out.push({ topic, partitions: [p] });
  }
  return out;
}
