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
import { encodeProduceRequest } from "../wire/produce-request-encoder.js";
import type { ProduceMessage, ProduceRequestArgs } from "../wire/produce-request-encoder.js";
import { toKafkajsHeaders } from "../types.js";
import type { KafkaHeaders } from "../types.js";
import type { ClientSeam } from "./client-hooks.js";
import { PRODUCE_API_KEY, internals, isConnectionClosed } from "./kafkajs-internals.js";
import type { BrokerInternals, ClusterInternals } from "./kafkajs-internals.js";

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
