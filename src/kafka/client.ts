// The one place a kafkajs `Kafka` client is made: connection settings, retries with
// backoff for broker outages, and kafkajs' own log lines routed into pino.
// kafkajs is CommonJS and its exports cannot all be imported by name from ESM.
import kafkajs from "kafkajs";
import type { Kafka } from "kafkajs";

/** The kafkajs client, as the runtime passes it around without importing kafkajs. */
export type KafkaClient = Kafka;
import type { LogEntry } from "kafkajs";
import type { Logger } from "pino";
import { kafkajsSasl, kafkajsTls } from "./client-security.js";
import type { KafkaSaslSettings, KafkaTlsSettings } from "./client-security.js";
import { hookClient } from "./kafkajs/index.js";

export interface KafkaClientOptions {
  clientId: string;
  brokers: string[];
  /** TLS to the brokers: true (the system's CAs) or the CA, client certificate and key. */
  ssl?: boolean | KafkaTlsSettings;
  sasl?: KafkaSaslSettings;
  logger: Logger;
  /** Backoff for requests to an unavailable broker; kafkajs retries with exponential backoff and jitter. */
  retry?: { initialRetryTimeMs?: number; maxRetryTimeMs?: number; retries?: number };
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  /**
   * Eddy's faster paths through kafkajs' internals (the Produce encoder, the Fetch decoders,
   * the coordinator cache); on by default. They engage only when the installed kafkajs is the
   * one they were written against, and EDDY_KAFKAJS_FAST_PATHS=off turns them off everywhere.
   */
  fastPaths?: boolean;
}

export function createKafkaClient(options: KafkaClientOptions): KafkaClient {
  const kafka = new kafkajs.Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    ssl: kafkajsTls(options.ssl),
    sasl: kafkajsSasl(options.sasl),
    connectionTimeout: options.connectionTimeoutMs ?? 3_000,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    retry: {
      initialRetryTime: options.retry?.initialRetryTimeMs ?? 100,
      maxRetryTime: options.retry?.maxRetryTimeMs ?? 10_000,
      retries: options.retry?.retries ?? 8,
    },
    logLevel: kafkajs.logLevel.INFO,
    logCreator: pinoLogCreator(options.logger),
  });
  const decision = hookClient(kafka, options.fastPaths ?? true);
  if (decision.fastPaths) {
    options.logger.debug({ clientId: options.clientId }, "kafkajs fast paths on");
  } else if (options.fastPaths !== false && !noticed) {
    // Once per process: every client of it decides alike.
    noticed = true;
    options.logger.info(`kafkajs fast paths off: ${decision.reason ?? "unknown reason"}`);
  }
  return kafka;
}

let noticed = false;

/**
 * kafkajs logs at ERROR for conditions its callers handle (a retried produce, a group
 * rebalance), so its levels are shifted down: what it calls an error is a warning for
 * an Eddy operator, a rebalance notice (every member sees several per rebalance, and
 * Eddy logs the rebalance itself) is debug, and its info lines (joins, connections) are
 * debug too.
 */
function pinoLogCreator(logger: Logger) {
  const kafkaLogger = logger.child({ component: "kafkajs" });
  return () =>
    ({ namespace, level, log }: LogEntry): void => {
      const { message, timestamp: _timestamp, logger: _source, ...extra } = log;
      const fields = { namespace, ...extra };
      const text = `${message} ${String(extra.error ?? "")}`;
      // Eddy reports a broker it cannot reach itself, once, with what to do about it.
      const handled = REBALANCE_NOISE.test(text) || CONNECTION_NOISE.test(text) || BOUNDED_RETRIES.test(text);
      if ((level === kafkajs.logLevel.ERROR || level === kafkajs.logLevel.WARN) && !handled) {
        kafkaLogger.warn(fields, message);
      } else if (level <= kafkajs.logLevel.INFO) {
        kafkaLogger.debug(fields, message);
      } else {
        kafkaLogger.trace(fields, message);
      }
    };
}

// Also CONCURRENT_TRANSACTIONS: fencing a crashed owner's transaction answers it until the abort completes, and kafkajs retries.
const CONNECTION_NOISE =
  /Connection error|Connection timeout|Failed to connect to seed broker|ECONNREFUSED|ECONNRESET|EPIPE|Closed connection|No broker available|not found in the cached metadata|Restarting the consumer|Crash: KafkaJS(NonRetriable|Connection|NoBrokerAvailable|GroupCoordinatorNotFound|NumberOfRetriesExceeded)/i;
/** Eddy's producers retry until their delivery timeout on purpose (produce.ts, sendRetry). */
const BOUNDED_RETRIES = /^Limiting retries for the idempotent producer/;
const REBALANCE_NOISE =
  /rebalanc|not aware of this member|REBALANCE_IN_PROGRESS|UNKNOWN_MEMBER_ID|ILLEGAL_GENERATION|another concurrent operation on the same transaction/i;
