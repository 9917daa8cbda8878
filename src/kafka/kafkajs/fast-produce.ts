// Puts produce-request-encoder.ts in the path of the producers of one kafkajs client.
//
// Everything about producing stays kafkajs': partitioning, batching per broker,
// retries, idempotence (producer id, epoch, sequence numbers) and transactions
// (AddPartitionsToTxn before the first write to a partition), the connection, the
// negotiated Produce version and the decoding of the answer. Only the encoding of the
// request body changes, to the same bytes written faster. kafkajs 2.2.4 is pinned
// exactly; the internals reached here are Cluster.findBroker (through cluster-hooks.ts),
// Broker.produce, Broker.lookupRequest and Broker.connectionPool. When any of them is
// not where expected, or a request uses compression, kafkajs encodes as usual.
import { createRequire } from "node:module";
import type { Kafka } from "kafkajs";
import { encodeProduceRequest } from "../wire/produce-request-encoder.js";
import type { ProduceRequestArgs } from "../wire/produce-request-encoder.js";
import type { ClusterInternals } from "./cluster-hooks.js";

const require = createRequire(import.meta.url);
const produceRequests = require("kafkajs/src/protocol/requests/produce") as unknown;
const PRODUCE_API_KEY = 0;
const WRAPPED = Symbol("eddy:fastProduce");
const fastClients = new WeakSet<object>();

/**
 * Whether this client's producers take the runtime's records as they are (ordered
 * header lists, numeric timestamps): true once its clusters got fastProduce(), since
 * the fast path encodes them and the fallback converts them for kafkajs' own encoder.
 */
export function acceptsRuntimeRecords(kafka: Kafka): boolean {
  return fastClients.has(kafka);
}

interface ProduceArgs extends Omit<ProduceRequestArgs, "acks" | "timeout"> {
  acks?: number;
  timeout?: number;
  compression?: number;
}

interface ProtocolRequest {
  request: { apiVersion: number; encode(): Promise<unknown> };
}

interface BrokerInternals {
  produce(args: ProduceArgs): Promise<unknown>;
  lookupRequest?(apiKey: number, definitions: unknown): (args: Record<string, unknown>) => ProtocolRequest;
  connectionPool?: { send(request: ProtocolRequest): Promise<unknown> };
  disconnect(): Promise<void>;
  [WRAPPED]?: boolean;
}

/** Marks a client whose clusters were decorated with fastProduce() (see client.ts). */
export function markFastProduce(kafka: Kafka): void {
  fastClients.add(kafka);
}

/** A cluster decorator: its brokers encode Produce requests with the lean encoder. */
export function fastProduce(cluster: ClusterInternals): void {
  const findBroker = cluster.findBroker.bind(cluster);
  cluster.findBroker = async (node) => {
    const broker = (await findBroker(node)) as BrokerInternals;
    wrapProduce(broker);
    return broker;
  };
}

type KafkajsHeaders = Record<string, Buffer | Buffer[]>;

/** For kafkajs' own encoder: by-key headers (null values empty, as kafkajs cannot write null) and string timestamps. */
function forKafkajsEncoder(args: ProduceArgs): ProduceArgs {
  return {
    ...args,
    topicData: args.topicData.map(({ topic, partitions }) => ({
      topic,
      partitions: partitions.map((p) => ({
        ...p,
        messages: p.messages.map((m) => {
          let headers = m.headers;
          if (Array.isArray(headers)) {
            const byKey: KafkajsHeaders = {};
            for (const { key, value } of headers as ReadonlyArray<{ key: string; value: Buffer | null }>) {
              const bytes = value ?? Buffer.alloc(0);
              const existing = byKey[key];
              if (existing === undefined) byKey[key] = bytes;
              else if (Array.isArray(existing)) existing.push(bytes);
              else byKey[key] = [existing, bytes];
            }
            headers = byKey;
          }
          return { ...m, headers, timestamp: m.timestamp === undefined ? undefined : String(m.timestamp) };
        }),
      })),
    })),
  };
}

function wrapProduce(broker: BrokerInternals): void {
  if (broker[WRAPPED] || typeof broker.lookupRequest !== "function" || !broker.connectionPool) return;
  broker[WRAPPED] = true;
  const kafkajsProduce = broker.produce.bind(broker);
  broker.produce = async (args: ProduceArgs) => {
    const lookup = broker.lookupRequest;
    const pool = broker.connectionPool;
    if ((args.compression ?? 0) !== 0 || !lookup || !pool) return kafkajsProduce(forKafkajsEncoder(args));
    const request = { ...args, acks: args.acks ?? -1, timeout: args.timeout ?? 30_000, compression: 0 };
    const protocolRequest = lookup(PRODUCE_API_KEY, produceRequests)(request);
    if (protocolRequest.request.apiVersion < 3 || protocolRequest.request.apiVersion > 7)
      return kafkajsProduce(forKafkajsEncoder(args));
    const body = encodeProduceRequest(request);
    // kafkajs frames whatever encode() returns through Encoder.writeEncoder, which reads `.buf` and `.buffer`.
    protocolRequest.request.encode = () => Promise.resolve({ buf: body, buffer: body });
    try {
      return await pool.send(protocolRequest);
    } catch (error) {
      // What kafkajs' Broker does for its own requests: a closed connection is dropped.
      if ((error as { name?: string }).name === "KafkaJSConnectionClosedError")
        await broker.disconnect().catch(() => undefined);
      throw error;
    }
  };
}
