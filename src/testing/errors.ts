// Errors of the TopologyTestDriver: misuse of the test API, with what to do instead.
import { EddyError } from "../errors/eddy-error.js";

/** A topic no sub-topology reads (input), or one the test names wrongly. */
export class UnknownTopicError extends EddyError {
  constructor(topic: string, known: readonly string[]) {
    super(
      "EDDY_ERR_TEST_UNKNOWN_TOPIC",
      `No source node of the topology reads topic "${topic}" (it reads: ${known.length === 0 ? "nothing" : known.join(", ")})`,
    );
  }
}

/** readValue() and friends on an output topic with nothing left to read. */
export class NoOutputRecordError extends EddyError {
  constructor(topic: string) {
    super(
      "EDDY_ERR_TEST_NO_OUTPUT_RECORD",
      `Output topic "${topic}" has no record left to read; check isEmpty() first`,
    );
  }
}

/** The driver was used after close(). */
export class DriverClosedError extends EddyError {
  constructor() {
    super("EDDY_ERR_TEST_DRIVER_CLOSED", "The TopologyTestDriver is closed; create a new one");
  }
}

/** getWindowStore() on a key-value store, getTimestampedKeyValueStore() on a plain one, and the like. */
export class WrongStoreTypeError extends EddyError {
  constructor(store: string, actual: string, asked: string, instead: string) {
    super(
      "EDDY_ERR_TEST_WRONG_STORE_TYPE",
      `State store "${store}" is a ${actual}, not a ${asked}; use ${instead} to read it`,
    );
  }
}

/** A source given a pattern as a topic name ("source-topic-\\d"): Kafka Streams' driver refuses such a pipe with this message. */
export class SourceTopicNotPatternError extends EddyError {
  constructor(sourceTopic: string, topic: string) {
    super(
      "EDDY_ERR_TEST_SOURCE_TOPIC_NOT_PATTERN",
      `Invalid topology: Topology add source of type String for topic: ${sourceTopic} cannot contain regex pattern for input record topic: ${topic} and hence cannot process the message.`,
    );
  }
}
