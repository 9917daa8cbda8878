// How errors out of kafkajs are classified: broker outages and moving leaders or
// coordinators are retried (never fatal on the first try), fencing and rebalances have
// their own kinds, anything else is fatal.
import kafkajs from "kafkajs";
import { describe, expect, it } from "vitest";
import { EddyError } from "../../src/errors/eddy-error.js";
import { classifyKafkaError, isBrokerUnavailable } from "../../src/kafka/errors.js";

// kafkajs' own error classes, as it throws them (its typings omit some constructors' options).
type KafkaJSErrorClass = new (e: unknown, options?: { cause?: unknown }) => Error & { retriable?: boolean };
const errors = kafkajs as unknown as Record<string, KafkaJSErrorClass>;
const make = (name: string, e: unknown, options?: { cause?: unknown }) =>
  new (errors[name] as KafkaJSErrorClass)(e, options);
const protocolError = (type: string, retriable: boolean) =>
  make("KafkaJSProtocolError", Object.assign(new Error(type), { type, code: 1, retriable }));

describe("classifyKafkaError", () => {
  it("retries a group coordinator that cannot be found, which kafkajs calls non-retriable", () => {
    const error = make("KafkaJSGroupCoordinatorNotFound", "Failed to find group coordinator");
    expect(error.retriable).toBe(false);
    expect(classifyKafkaError(error)).toBe("retriable");
    expect(classifyKafkaError(make("KafkaJSNonRetriableError", error, { cause: error }))).toBe("retriable");
  });

  it("retries connection errors, also when kafkajs gave up on them", () => {
    const refused = make("KafkaJSConnectionError", "Connection error: connect ECONNREFUSED 127.0.0.1:9092");
    expect(classifyKafkaError(refused)).toBe("retriable");
    expect(classifyKafkaError(make("KafkaJSNonRetriableError", refused, { cause: refused }))).toBe("retriable");
    expect(classifyKafkaError(make("KafkaJSNoBrokerAvailableError", "No broker available"))).toBe("retriable");
    const system = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    expect(classifyKafkaError(new Error("send failed", { cause: system }))).toBe("retriable");
  });

  it("retries a partition whose leader moved or is not there yet", () => {
    for (const type of [
      "NOT_LEADER_FOR_PARTITION",
      "LEADER_NOT_AVAILABLE",
      "NOT_COORDINATOR",
      "COORDINATOR_NOT_AVAILABLE",
    ]) {
      const error = protocolError(type, false);
      // As kafkajs' retrier wraps what it stops retrying.
      expect(classifyKafkaError(make("KafkaJSNonRetriableError", error, { cause: error }))).toBe("retriable");
      expect(isBrokerUnavailable(protocolError(type, true))).toBe(true);
    }
  });

  it("keeps fencing, rebalances and everything else apart", () => {
    expect(classifyKafkaError(protocolError("INVALID_PRODUCER_EPOCH", false))).toBe("fenced");
    expect(classifyKafkaError(protocolError("UNKNOWN_MEMBER_ID", false))).toBe("rebalance");
    expect(classifyKafkaError(protocolError("TOPIC_AUTHORIZATION_FAILED", false))).toBe("fatal");
    expect(classifyKafkaError(new TypeError("x is undefined"))).toBe("fatal");
    expect(classifyKafkaError(new EddyError("EDDY_ERR_X", "bad"))).toBe("fatal");
    expect(isBrokerUnavailable(new TypeError("x"))).toBe(false);
  });

  it("waits out a coordinator kafkajs could not find, as while Apache Kafka shuts down (COORDINATOR_NOT_AVAILABLE)", () => {
    // What kafkajs' retrier throws after findGroupCoordinatorMetadata gave up.
    const notFound = make("KafkaJSGroupCoordinatorNotFound", "Failed to find group coordinator");
    const wrapped = make("KafkaJSNonRetriableError", notFound, { cause: notFound });
    expect(classifyKafkaError(notFound)).toBe("retriable");
    expect(classifyKafkaError(wrapped)).toBe("retriable");
  });

  it("names fencing and rebalances behind kafkajs' wrappers", () => {
    const fenced = protocolError("INVALID_PRODUCER_EPOCH", false);
    expect(classifyKafkaError(make("KafkaJSNonRetriableError", fenced, { cause: fenced }))).toBe("fenced");
    expect(classifyKafkaError(protocolError("REBALANCE_IN_PROGRESS", true))).toBe("rebalance");
  });
});
