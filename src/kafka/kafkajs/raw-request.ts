// Requests kafkajs 2.2.4 cannot send, sent on its connections: the body written by a wire
// codec (src/kafka/wire), framing, SASL, timeouts and correlation kafkajs'. A flexible
// request's body starts with request header v2's tags (see wire/flexible.ts).
import { BrokerVersionError } from "../errors.js";
import { isConnectionClosed, kafkajsProtocolError } from "./kafkajs-internals.js";
import type { BrokerInternals, ProtocolRequest } from "./kafkajs-internals.js";

export function requireVersion(broker: BrokerInternals, apiKey: number, version: number, api: string): void {
  const range = broker.versions?.[apiKey];
  if (range === undefined || range.maxVersion < version) {
    throw new BrokerVersionError(`${api} v${version}`, range?.maxVersion);
  }
}

export async function sendRequest<T>(
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

/** Errors kafkajs 2.2.4 has no entry for, which the newer versions answer. */
const NEWER_ERRORS: ReadonlyMap<number, { type: string; message: string }> = new Map([
  [90, { type: "PRODUCER_FENCED", message: "There is a newer producer with the same transactionalId" }],
  [120, { type: "TRANSACTION_ABORTABLE", message: "The transaction must be aborted" }],
]);

/** kafkajs' protocol error for `code`, typed also for the codes kafkajs does not know. */
export function protocolError(code: number): Error {
  const error = kafkajsProtocolError(code);
  const newer = NEWER_ERRORS.get(code);
  if (newer !== undefined) Object.assign(error, { type: newer.type, message: newer.message, retriable: false });
  return error;
}
