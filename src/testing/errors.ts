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

/**
 * readValue() and friends on an output topic with nothing left to read. As Kafka Streams'
 * driver, the message tells a topic never written ("Uninitialized topic") from one read to
 * its end ("Empty topic").
 */
export class NoOutputRecordError extends EddyError {
  constructor(topic: string, everWritten: boolean) {
    super(
      "EDDY_ERR_TEST_NO_OUTPUT_RECORD",
      `${everWritten ? "Empty topic" : "Uninitialized topic"}: ${topic} has no record left to read; check isEmpty() first`,
    );
  }
}

/** readKeyValuesToMap() met a record with a null key: Kafka Streams' driver refuses it rather than keep a null key. */
export class NullKeyInMapError extends EddyError {
  constructor(topic: string) {
    super(
      "EDDY_ERR_TEST_NULL_KEY_IN_MAP",
      `Null keys not allowed with readKeyValuesToMap method (topic ${topic}); use readKeyValuesToList() instead`,
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
