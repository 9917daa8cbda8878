// How the runtime should react to an error that came out of kafkajs. kafkajs wraps
// protocol errors (KafkaJSProtocolError with a `type` such as INVALID_PRODUCER_EPOCH)
// in retry wrappers (KafkaJSNumberOfRetriesExceeded, KafkaJSNonRetriableError) whose
// `cause` chain leads back to the protocol error, so classification walks that chain.
import { EddyError } from "../errors/eddy-error.js";

/**
 * A producer lost its transactional id to a newer one (another instance took the task)
 * or its transaction was aborted under it (timeout). Kafka Streams calls this
 * TaskMigrated: the task's uncommitted work must be dropped, never retried.
 */
const FENCING_TYPES = new Set([
  "INVALID_PRODUCER_EPOCH",
  "PRODUCER_FENCED",
  "INVALID_TXN_STATE",
  "INVALID_PRODUCER_ID_MAPPING",
  "UNKNOWN_PRODUCER_ID",
  "TRANSACTIONAL_ID_AUTHORIZATION_FAILED",
]);

/** The group moved on (rebalance); offsets of this member can no longer be committed. */
const REBALANCE_TYPES = new Set([
  "REBALANCE_IN_PROGRESS",
  "ILLEGAL_GENERATION",
  "UNKNOWN_MEMBER_ID",
  "NOT_COORDINATOR_FOR_GROUP",
]);

/**
 * The broker is away, restarting or moving a partition or a coordinator: waited out with
 * backoff, whatever kafkajs says (it marks a missing group coordinator non-retriable,
 * and gives up on connection errors after its own few retries).
 */
const UNAVAILABLE_TYPES = new Set([
  "UNKNOWN_TOPIC_OR_PARTITION",
  "LEADER_NOT_AVAILABLE",
  "NOT_LEADER_FOR_PARTITION",
  "NOT_LEADER_OR_FOLLOWER",
  "REQUEST_TIMED_OUT",
  "BROKER_NOT_AVAILABLE",
  "REPLICA_NOT_AVAILABLE",
  "NETWORK_EXCEPTION",
  "GROUP_LOAD_IN_PROGRESS",
  "GROUP_COORDINATOR_NOT_AVAILABLE",
  "COORDINATOR_LOAD_IN_PROGRESS",
  "COORDINATOR_NOT_AVAILABLE",
  "NOT_COORDINATOR",
  "NOT_ENOUGH_REPLICAS",
  "NOT_ENOUGH_REPLICAS_AFTER_APPEND",
  "KAFKA_STORAGE_ERROR",
  "CONCURRENT_TRANSACTIONS",
]);
const UNAVAILABLE_NAMES =
  /^KafkaJS(Connection|ConnectionClosed|RequestTimeout|BrokerNotFound|NoBrokerAvailable|GroupCoordinatorNotFound|MetadataNotLoaded|TopicMetadataNotLoaded|StaleTopicMetadataAssignment|Timeout|LockTimeout)(Error)?$/;
const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
]);

export type KafkaErrorKind = "fenced" | "rebalance" | "retriable" | "fatal";

interface ErrorLike {
  name?: unknown;
  type?: unknown;
  code?: unknown;
  retriable?: unknown;
  cause?: unknown;
  originalError?: unknown;
}

function chain(error: unknown): ErrorLike[] {
  const seen: ErrorLike[] = [];
  let current: unknown = error;
  while (current !== null && typeof current === "object" && !seen.includes(current as ErrorLike) && seen.length < 10) {
    const e = current as ErrorLike;
    seen.push(e);
    current = e.cause ?? e.originalError;
  }
  return seen;
}

/** The protocol error type (e.g. "INVALID_PRODUCER_EPOCH") somewhere in the error's causes, if any. */
export function kafkaErrorType(error: unknown): string | undefined {
  for (const e of chain(error)) if (typeof e.type === "string") return e.type;
  return undefined;
}

/**
 * Certificate problems of a TLS connection to a broker: retrying cannot fix them (Kafka's
 * clients treat SslAuthenticationException as fatal too), the configuration must change.
 */
const TLS_FAILURE =
  /^(ERR_SSL_|ERR_TLS_CERT_|SELF_SIGNED_CERT_IN_CHAIN$|DEPTH_ZERO_SELF_SIGNED_CERT$|UNABLE_TO_(VERIFY_LEAF_SIGNATURE|GET_ISSUER_CERT(_LOCALLY)?)$|CERT_(HAS_EXPIRED|NOT_YET_VALID|UNTRUSTED|REJECTED|SIGNATURE_FAILURE)$)/;

/** What to change when a TLS connection to a broker failed on its certificates; undefined for other errors. */
export function tlsFailureHint(error: unknown): string | undefined {
  for (const e of chain(error)) {
    const code = (e as { code?: unknown }).code;
    if (typeof code !== "string" || !TLS_FAILURE.test(code)) continue;
    const reason = String((e as { message?: unknown }).message ?? code).replace(/^Connection error: /, "");
    const what = /CERTIFICATE_REQUIRED|BAD_CERTIFICATE|UNKNOWN_CA|ACCESS_DENIED/.test(code)
      ? "the broker refused this client's certificate: set ssl.cert and ssl.key (EDDY_SSL_CERT, EDDY_SSL_KEY) to one its truststore accepts"
      : code.startsWith("ERR_SSL_WRONG_VERSION") || code.startsWith("ERR_SSL_PACKET")
        ? "the broker's listener does not speak TLS: check the bootstrap port, or turn ssl off"
        : code === "ERR_TLS_CERT_ALTNAME_INVALID"
          ? "the broker's certificate does not name the host connected to: set ssl.servername (EDDY_SSL_SERVERNAME), or connect by a name it carries"
          : "the broker's certificate is not signed by a CA this client trusts: set ssl.ca (EDDY_SSL_CA) to its CA";
    return `TLS to the broker failed (${code}: ${reason.trim()}): ${what}`;
  }
  return undefined;
}

export function classifyKafkaError(error: unknown): KafkaErrorKind {
  const links = chain(error);
  if (tlsFailureHint(error) !== undefined) return "fatal";
  if (links.some((e) => typeof e.type === "string" && FENCING_TYPES.has(e.type))) return "fenced";
  if (links.some((e) => typeof e.type === "string" && REBALANCE_TYPES.has(e.type))) return "rebalance";
  if (links.some((e) => e instanceof ConsumerOutOfGroupError)) return "rebalance";
  if (links.some((e) => e instanceof DeliveryTimeoutError)) return "retriable";
  if (error instanceof EddyError) return "fatal";
  if (isBrokerUnavailable(error)) return "retriable";
  const root = links[links.length - 1];
  // kafkajs marks timeouts and retriable protocol errors retriable; "retries exceeded"
  // wraps them after backoff ran out, and a later attempt may succeed.
  if (links.some((e) => e.name === "KafkaJSNumberOfRetriesExceeded")) return "retriable";
  if (root && root.retriable === true) return "retriable";
  return "fatal";
}

/** The broker cannot be reached, or a partition leader or coordinator is not (yet) there. */
export function isBrokerUnavailable(error: unknown): boolean {
  return chain(error).some(
    (e) =>
      (typeof e.type === "string" && UNAVAILABLE_TYPES.has(e.type)) ||
      (typeof e.name === "string" && UNAVAILABLE_NAMES.test(e.name)) ||
      (typeof e.code === "string" && UNAVAILABLE_CODES.has(e.code)),
  );
}

/** A changelog or source offset the broker no longer has (deleted, compacted, topic recreated). */
export function isOffsetOutOfRange(error: unknown): boolean {
  return chain(error).some((e) => e.name === "KafkaJSOffsetOutOfRange" || e.type === "OFFSET_OUT_OF_RANGE");
}

/** The partition kafkajs names in an OFFSET_OUT_OF_RANGE error, if it names one. */
export function offsetOutOfRangePartition(error: unknown): { topic: string; partition: number } | undefined {
  for (const e of chain(error)) {
    const { topic, partition } = e as { topic?: unknown; partition?: unknown };
    if (typeof topic === "string" && typeof partition === "number") return { topic, partition };
  }
  return undefined;
}

/** An internal topic exists with the wrong shape (partition count, cleanup policy) or could not be created. */
export class InternalTopicError extends EddyError {
  readonly topic: string;

  constructor(topic: string, message: string) {
    super("EDDY_ERR_INTERNAL_TOPIC", message);
    this.topic = topic;
  }
}

/** TLS or SASL material that cannot be used: a file that cannot be read, a token endpoint that refuses. */
export class KafkaSecurityError extends EddyError {
  constructor(message: string, options?: ErrorOptions) {
    super("EDDY_ERR_KAFKA_SECURITY", message, options);
  }
}

/**
 * Records the broker did not acknowledge within deliveryTimeoutMs (Kafka's
 * delivery.timeout.ms): it kept refusing them with a retriable error (a deleted topic,
 * NOT_ENOUGH_REPLICAS while replicas are down) or did not answer. Retriable: the task aborts its transaction and
 * comes back from its committed offsets, and /health reports it once that keeps happening.
 */
export class DeliveryTimeoutError extends EddyError {
  readonly topics: readonly string[];

  constructor(topics: readonly string[], timeoutMs: number) {
    super(
      "EDDY_ERR_DELIVERY_TIMEOUT",
      `Records to ${topics.join(", ")} were not acknowledged within deliveryTimeoutMs (${timeoutMs} ms): the broker keeps refusing them with a retriable error (the topic does not exist, fewer in-sync replicas than min.insync.replicas) or does not answer`,
    );
    this.topics = topics;
  }
}

/**
 * The group consumer kept fetching for a session timeout after its last heartbeat or join:
 * the coordinator no longer knows it (kafkajs lost its member id in a refused rejoin and
 * fetches on without one, membership-watch.ts). Handled as a rebalance: the consumer is
 * restarted, joins afresh and its tasks come back from their committed state.
 */
export class ConsumerOutOfGroupError extends EddyError {
  constructor(groupId: string, silentMs: number) {
    super(
      "EDDY_ERR_CONSUMER_OUT_OF_GROUP",
      `The consumer of group ${groupId} kept fetching for ${silentMs} ms without a heartbeat or a join: the group coordinator no longer knows it, so it rejoins`,
    );
  }
}

/** A setting of the Kafka client that has no meaning, such as EDDY_KAFKAJS_FAST_PATHS=maybe. */
export class KafkaClientSettingError extends EddyError {
  readonly setting: string;

  constructor(setting: string, value: string, expected: string) {
    super("EDDY_ERR_KAFKA_CLIENT_SETTING", `${setting} is "${value}": use ${expected}`);
    this.setting = setting;
  }
}

/** No bootstrap server answered within the bound (taskTimeoutMs): the instance does not start. */
export class KafkaUnreachableError extends EddyError {
  readonly servers: readonly string[];

  constructor(servers: readonly string[], reason: string, waitedMs: number, hint: string) {
    super(
      "EDDY_ERR_KAFKA_UNREACHABLE",
      `Cannot reach Kafka at ${servers.join(",")} (${reason}) after ${Math.round(waitedMs / 1000)} s: ${hint}`,
    );
    this.servers = servers;
  }
}

/**
 * The broker does not speak a request version Eddy needs: exactly_once_v2 needs TxnOffsetCommit
 * v3 and OffsetFetch v7 (KIP-447, Apache Kafka 2.5 and later).
 */
export class BrokerVersionError extends EddyError {
  readonly request: string;

  constructor(request: string, brokerMaxVersion: number | undefined) {
    const has = brokerMaxVersion === undefined ? "does not support it" : `supports up to v${brokerMaxVersion}`;
    super(
      "EDDY_ERR_BROKER_VERSION",
      `The broker cannot take ${request} (it ${has}): processingGuarantee exactly_once_v2 needs Kafka 2.5 or later; upgrade the brokers or use processingGuarantee: exactly_once`,
    );
    this.request = request;
  }
}

/**
 * exactly_once_v2 sends its offsets with Eddy's own TxnOffsetCommit v3 through kafkajs'
 * connections, which needs the kafkajs Eddy was written against.
 */
export class Kip447UnavailableError extends EddyError {
  constructor(reason: string) {
    super(
      "EDDY_ERR_KIP447_UNAVAILABLE",
      `processingGuarantee exactly_once_v2 cannot commit offsets with the group's generation and member: ${reason}. Install the kafkajs version Eddy pins, or use processingGuarantee: exactly_once`,
    );
  }
}
