// Puts produce-request-encoder.ts in the path of the producers of one kafkajs client.
//
// Everything about producing stays kafkajs': partitioning, batching per broker, retries,
// idempotence (producer id, epoch, sequence numbers) and transactions (AddPartitionsToTxn
// before the first write to a partition), the connection, the negotiated Produce version
// and the decoding of the answer. Only the encoding of the request body changes, to the
// same bytes written faster. The internals reached are Cluster.findBroker, Broker.produce,
// Broker.lookupRequest and Broker.connectionPool (probe.ts checks them before any client
// gets this decorator).
//
// A client with this decorator hands its producers' records over in the runtime's shape
// (ordered header lists, numeric timestamps). So every broker of its clusters gets the
// wrapper, and a request the lean encoder does not write (compression, a Produce version
// outside 3 to 7) has its records converted before kafkajs' own encoder sees them: no
// runtime-shaped record can reach kafkajs' encoder.
//
// A transactional id under transactions v2 (txn-v2.ts) has its requests written as Produce
// v12, which kafkajs cannot: the leader adds the partition to the transaction. The producer
// id, epoch and sequences are then the ones of its last EndTxn v5, not kafkajs' own.
import { encodeProduceRequest } from "../wire/produce-request-encoder.js";
import type { ProduceMessage, ProduceRequestArgs } from "../wire/produce-request-encoder.js";
import { decodeFlexibleProduceResponse } from "../wire/produce-response.js";
import { toKafkajsHeaders } from "../types.js";
import type { KafkaHeaders } from "../types.js";
import type { ClientSeam } from "./client-hooks.js";
import { PRODUCE_API_KEY, internals, isConnectionClosed } from "./kafkajs-internals.js";
import type { BrokerInternals, ClusterInternals } from "./kafkajs-internals.js";
import { protocolError, requireVersion } from "./raw-request.js";
import { PRODUCE_V2_VERSION } from "./txn-v2.js";
import type { TxnV2 } from "./txn-v2.js";

const WRAPPED = Symbol("eddy:fastProduce");

interface ProduceArgs extends Omit<ProduceRequestArgs, "acks" | "timeout"> {
  acks?: number;
  timeout?: number;
  compression?: number;
}

type WrappedBroker = BrokerInternals & { [WRAPPED]?: true };

/** A cluster decorator: its brokers encode Produce requests with the lean encoder. */
export function fastProduce(cluster: ClusterInternals, seam: ClientSeam): void {
  const findBroker = cluster.findBroker.bind(cluster);
  cluster.findBroker = async (node) => {
    const broker = (await findBroker(node)) as WrappedBroker;
    if (broker[WRAPPED] !== true) wrapProduce(broker, seam);
    return broker;
  };
}

function wrapProduce(broker: WrappedBroker, seam: ClientSeam): void {
  broker[WRAPPED] = true;
  const kafkajsProduce = broker.produce.bind(broker);
  const { produceRequests } = internals();
  broker.produce = async (produceArgs: Record<string, unknown>) => {
    const args = produceArgs as unknown as ProduceArgs;
    const v2 = typeof args.transactionalId === "string" ? seam.txnV2.get(args.transactionalId) : undefined;
    if (v2?.version === 2) return produceV2(broker, args, v2, seam);
    if ((args.compression ?? 0) !== 0) {
      seam.stats.produceRequestsConverted += 1;
      return kafkajsProduce(forKafkajsEncoder(args) as unknown as Record<string, unknown>);
    }
    const request = { ...args, acks: args.acks ?? -1, timeout: args.timeout ?? 30_000, compression: 0 };
    const protocolRequest = broker.lookupRequest(PRODUCE_API_KEY, produceRequests)(request);
    if (protocolRequest.request.apiVersion < 3 || protocolRequest.request.apiVersion > 7) {
      seam.stats.produceRequestsConverted += 1;
      return kafkajsProduce(forKafkajsEncoder(args) as unknown as Record<string, unknown>);
    }
    const body = encodeProduceRequest(request);
    // kafkajs frames whatever encode() returns through Encoder.writeEncoder, which reads `.buf` and `.buffer`.
    protocolRequest.request.encode = () => Promise.resolve({ buf: body, buffer: body });
    seam.stats.produceRequestsEncoded += 1;
    try {
      return await broker.connectionPool.send(protocolRequest);
    } catch (error) {
      // What kafkajs' Broker does for its own requests: a closed connection is dropped.
      if (isConnectionClosed(error)) await broker.disconnect().catch(() => undefined);
      throw error;
    }
  };
}

/** A transactional request under transactions v2: Produce v12 with the id, epoch and sequences of the epoch. */
async function produceV2(broker: WrappedBroker, args: ProduceArgs, v2: TxnV2, seam: ClientSeam): Promise<unknown> {
  if ((args.compression ?? 0) !== 0) {
    throw new Error("compression: a transactional producer under transactions v2 writes uncompressed batches only");
  }
  requireVersion(broker, PRODUCE_API_KEY, PRODUCE_V2_VERSION, "Produce");
  const { id, epoch } = v2.producer(Number(args.producerId), Number(args.producerEpoch));
  const request: ProduceRequestArgs = {
    ...args,
    acks: args.acks ?? -1,
    timeout: args.timeout ?? 30_000,
    producerId: id,
    producerEpoch: epoch,
    topicData: args.topicData.map(({ topic, partitions }) => ({
      topic,
      partitions: partitions.map((p) => ({
        ...p,
        firstSequence: v2.sequence(topic, p.partition, p.firstSequence ?? 0),
      })),
    })),
  };
  const body = encodeProduceRequest(request, Date.now(), PRODUCE_V2_VERSION);
  seam.stats.produceRequestsEncoded += 1;
  try {
    return await broker.connectionPool.send({
      // kafkajs frames whatever encode() returns through Encoder.writeEncoder, which reads `.buf` and `.buffer`.
      request: {
        apiKey: PRODUCE_API_KEY,
        apiVersion: PRODUCE_V2_VERSION,
        apiName: "Produce",
        encode: () => Promise.resolve({ buf: body, buffer: body }),
      },
      response: {
        decode: (payload: Buffer) => Promise.resolve(decodeFlexibleProduceResponse(payload)),
        parse: (answer) => {
          // As kafkajs' own parser: the first refused partition's error, which its producer judges.
          const refused = (answer as ReturnType<typeof decodeFlexibleProduceResponse>).topics
            .flatMap((t) => t.partitions)
            .find((p) => p.errorCode !== 0);
          if (refused === undefined) return Promise.resolve(answer);
          // The coordinator kept refusing to add the partition while the last transaction ended.
          if (refused.errorCode === NOT_ENOUGH_REPLICAS) seam.transactionStats.concurrentTransactions += 1;
          return Promise.reject(protocolError(refused.errorCode));
        },
      },
    });
  } catch (error) {
    // What kafkajs' Broker does for its own requests: a closed connection is dropped.
    if (isConnectionClosed(error)) await broker.disconnect().catch(() => undefined);
    throw error;
  }
}

/** What a leader answers a Produce whose partition the coordinator would not add yet (ReplicaManager). */
const NOT_ENOUGH_REPLICAS = 19;

/**
 * The request for kafkajs' own encoder: headers by key (see toKafkajsHeaders) and string
 * timestamps. Messages already in kafkajs' shape pass unchanged.
 */
export function forKafkajsEncoder<T extends Omit<ProduceArgs, "acks" | "timeout">>(args: T): T {
  return {
    ...args,
    topicData: args.topicData.map(({ topic, partitions }) => ({
      topic,
      partitions: partitions.map((p) => ({ ...p, messages: p.messages.map(forKafkajsMessage) })),
    })),
  };
}

function forKafkajsMessage(m: ProduceMessage): ProduceMessage {
  const headers = Array.isArray(m.headers) ? toKafkajsHeaders(m.headers as KafkaHeaders) : m.headers;
  return { ...m, headers, timestamp: m.timestamp === undefined ? undefined : String(m.timestamp) };
}
