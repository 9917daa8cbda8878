// Puts fetch-response-decoder.ts in the path of the application's consumer.
//
// kafkajs' consumer keeps doing everything: the group, the fetch loop, positions, pausing
// and seeking, the Batch objects handed to eachBatch, resolving offsets. Only the decoding
// of Fetch v11 responses changes: records come out of the lean decoder in the runtime's
// shape (numeric offsets and timestamps, headers as a list), aborted transactions are
// already filtered, and each left-out batch (markers, aborted data) is represented by one
// control-record entry at its last offset, so that kafkajs still moves the consumer's
// position past it. kafkajs' Batch is given a few stand-ins of each partition's entries (all
// it reads of them), and consumedRecords() the records themselves. Compressed batches are
// opened by the decoder too; a batch that cannot be read is one UndecodableBatch entry at its
// last offset, which the application dead-letters (kafkajs would fail the fetch at that
// offset forever). Other versions and the
// old message formats are decoded by kafkajs as before; consumedRecords() reads a batch of
// either kind. The internals used are those of
// fast-produce.ts: Cluster.findBroker, Broker.fetch, Broker.lookupRequest and
// Broker.connectionPool.
import type { Batch } from "kafkajs";
import { decodeFetchResponseV11 } from "../wire/fetch-response-decoder.js";
import type { DecodedFetchResponse } from "../wire/fetch-response-decoder.js";
import { fromKafkajsHeaders } from "../types.js";
import type { ConsumedRecord, KafkaHeaders } from "../types.js";
import type { ClientSeam } from "./client-hooks.js";
import { FETCH_API_KEY, internals, isConnectionClosed } from "./kafkajs-internals.js";
import type { BrokerInternals, ClusterInternals } from "./kafkajs-internals.js";

const WRAPPED = Symbol("eddy:fastFetch");
/** In a Fetch's arguments: keep the answer's bytes, to be decoded when it is used (fetch-ahead.ts). */
export const DECODE_LATER = Symbol("eddy:decodeLater");
const UNDECODED = Symbol("eddy:undecoded");

/** A Fetch answer kept as the broker sent it: decoding it makes the records only when they are needed. */
export interface UndecodedAnswer {
  /** The response's size in bytes. */
  readonly bytes: number;
  /** Decodes and checks it as kafkajs would have on arrival (its errors are thrown here). */
  decode(): Promise<unknown>;
  readonly [UNDECODED]: true;
}

export function isUndecoded(answer: unknown): answer is UndecodedAnswer {
  return typeof answer === "object" && answer !== null && (answer as Partial<UndecodedAnswer>)[UNDECODED] === true;
}
const NO_HEADERS: KafkaHeaders = Object.freeze([]);

interface FetchRequest {
  topics: Array<{ topic: string; partitions: Array<{ partition: number; fetchOffset: string; maxBytes: number }> }>;
  [field: string]: unknown;
}

type WrappedBroker = BrokerInternals & { [WRAPPED]?: true };

/** Makes the fetches of this cluster (a consumer's) decode with the lean decoder. */
export function installFastFetch(cluster: ClusterInternals, seam: ClientSeam): void {
  const findBroker = cluster.findBroker.bind(cluster);
  cluster.findBroker = async (node) => {
    const broker = (await findBroker(node)) as WrappedBroker;
    if (broker[WRAPPED] !== true) wrapFetch(broker, seam);
    return broker;
  };
}

function wrapFetch(broker: WrappedBroker, seam: ClientSeam): void {
  broker[WRAPPED] = true;
  const kafkajsFetch = broker.fetch.bind(broker);
  const { fetchRequests } = internals();
  broker.fetch = async (fetchArgs: Record<string, unknown>) => {
    const request = fetchArgs as unknown as FetchRequest;
    // As kafkajs does: the partitions in a random order, so that maxBytes does not always
    // favour the same ones (KIP-74).
    const protocolRequest = broker.lookupRequest(
      FETCH_API_KEY,
      fetchRequests,
    )({
      ...request,
      topics: shuffled(request.topics),
    });
    if (protocolRequest.request.apiVersion !== 11) return kafkajsFetch(request);
    const fetchOffsets = new Map<string, number>();
    for (const { topic, partitions } of request.topics) {
      for (const p of partitions) fetchOffsets.set(`${topic}|${p.partition}`, Number(p.fetchOffset));
    }
    const kafkajsResponse = protocolRequest.response;
    const decode = (payload: Buffer): Promise<unknown> => {
      const decoded = decodeFetchResponseV11(payload, fetchOffsets, { markSkipped: true, markUndecodable: true });
      if (!decoded.supported) return kafkajsResponse.decode(payload);
      seam.stats.consumerFetchesDecoded += 1;
      return Promise.resolve(asKafkajsResponse(decoded));
    };
    // kafkajs' own checks of the error codes (OffsetOutOfRange with its topic and partition...).
    const parse = (data: unknown): Promise<unknown> => kafkajsResponse.parse(data);
    const later = (fetchArgs as { [DECODE_LATER]?: boolean })[DECODE_LATER] === true;
    protocolRequest.response = later
      ? {
          // Records decoded on arrival would live on the heap until processed, long enough to
          // be promoted to V8's old generation; bytes kept do not burden the collector.
          decode: (payload: Buffer) =>
            Promise.resolve({
              clientSideThrottleTime: 0,
              bytes: payload.length,
              decode: async () => parse(await decode(payload)),
              [UNDECODED]: true,
            }),
          parse: (data: unknown) => Promise.resolve(data),
        }
      : { decode, parse };
    try {
      return await broker.connectionPool.send(protocolRequest);
    } catch (error) {
      if (isConnectionClosed(error)) await broker.disconnect().catch(() => undefined);
      throw error;
    }
  };
}

/**
 * The records of a batch kafkajs hands to eachBatch, in the runtime's shape: those the lean
 * decoder read already are (numeric offsets), those kafkajs decoded are converted.
 */
export function consumedRecords(batch: Batch): ConsumedRecord[] {
  const entries = (batch as unknown as { rawMessages?: Standins }).rawMessages?.[ENTRIES];
  if (entries !== undefined) return entries.records;
  const messages = batch.messages;
  const records: ConsumedRecord[] = new Array<ConsumedRecord>(messages.length);
  for (let i = 0; i < messages.length; i += 1) {
    const m = messages[i]!;
    if (typeof (m as unknown as ConsumedRecord).offset === "number") {
      records[i] = m as unknown as ConsumedRecord;
      continue;
    }
    records[i] = {
      topic: batch.topic,
      partition: batch.partition,
      offset: Number(m.offset),
      timestamp: Number(m.timestamp),
      key: m.key ?? null,
      value: m.value ?? null,
      headers: m.headers === undefined ? NO_HEADERS : fromKafkajsHeaders(m.headers),
    };
  }
  return records;
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
      messages: standins(p.records),
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

const ENTRIES = Symbol("eddy:entries");

/** The entries of a partition that kafkajs is given, with all of them beside, for consumedRecords(). */
type Standins = ConsumedRecord[] & { [ENTRIES]?: { readonly records: ConsumedRecord[] } };

function isMarker(entry: ConsumedRecord): boolean {
  return (entry as { isControlRecord?: boolean }).isControlRecord === true;
}

/**
 * What kafkajs' Batch is given of a partition's decoded entries: the first, the last record
 * and the last entry, all that it reads (firstOffset(), lastOffset(), isEmpty(), and the last
 * record, which resolveOffset() moves past the markers after it). Given every entry, it
 * filtered them twice, with a BigInt-backed Long per entry, for offsets and markers the
 * decoder had dealt with already. The records, markers left out, ride along for eachBatch.
 */
export function standins(entries: ConsumedRecord[]): Standins {
  const last = entries.length - 1;
  let lastRecord = last;
  let markers = 0;
  for (let i = last; i >= 0; i -= 1) {
    if (!isMarker(entries[i] as ConsumedRecord)) continue;
    markers += 1;
    if (lastRecord === i) lastRecord -= 1;
  }
  const picked: Standins = [];
  for (const i of [0, lastRecord, last]) {
    const entry = entries[i];
    if (entry !== undefined && picked[picked.length - 1] !== entry) picked.push(entry);
  }
  picked[ENTRIES] = { records: markers === 0 ? entries : entries.filter((entry) => !isMarker(entry)) };
  return picked;
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
