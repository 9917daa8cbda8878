// How the runtime reacts to kafkajs' errors: the classification of src/kafka/errors.ts.
import kafkajs from "kafkajs";
import { describe, expect, it } from "vitest";
import { classifyKafkaError } from "../../src/kafka/errors.js";

const { KafkaJSGroupCoordinatorNotFound, KafkaJSNonRetriableError, KafkaJSProtocolError, KafkaJSConnectionError } =
  kafkajs as unknown as Record<string, new (message: unknown, options?: object) => Error>;

describe("classifyKafkaError", () => {
  it("waits out a coordinator kafkajs could not find, as while Apache Kafka shuts down (COORDINATOR_NOT_AVAILABLE)", () => {
    // What kafkajs' retrier throws after findGroupCoordinatorMetadata gave up.
    const notFound = new KafkaJSGroupCoordinatorNotFound!("Failed to find group coordinator");
    const wrapped = new KafkaJSNonRetriableError!(notFound, { cause: notFound });
    expect(classifyKafkaError(notFound)).toBe("retriable");
    expect(classifyKafkaError(wrapped)).toBe("retriable");
  });

  it("waits out lost connections, and stops on errors retrying cannot fix", () => {
    expect(classifyKafkaError(new KafkaJSConnectionError!("Connection error: connect ECONNREFUSED"))).toBe("retriable");
    const authorization = Object.assign(new KafkaJSProtocolError!("Not authorized"), {
      type: "TOPIC_AUTHORIZATION_FAILED",
      retriable: false,
    });
    expect(classifyKafkaError(authorization)).toBe("fatal");
  });

  it("names fencing and rebalances", () => {
    const fenced = Object.assign(new KafkaJSProtocolError!("fenced"), { type: "INVALID_PRODUCER_EPOCH" });
    const rebalance = Object.assign(new KafkaJSProtocolError!("rebalance"), { type: "REBALANCE_IN_PROGRESS" });
    expect(classifyKafkaError(new KafkaJSNonRetriableError!(fenced, { cause: fenced }))).toBe("fenced");
    expect(classifyKafkaError(rebalance)).toBe("rebalance");
  });
});
