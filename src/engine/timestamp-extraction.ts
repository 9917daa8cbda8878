// Applying a TimestampExtractor to an input record, as Kafka Streams' RecordQueue does:
// the extractor sees the deserialized record and its partition's time; a negative
// result drops the record; the built-in failOnInvalidTimestamp makes a record with a
// negative timestamp unreadable (dead-lettered, or fatal under the "fail" handler).
import type { RecordMetadata } from "../topology/record.js";
import type {
  BuiltInTimestampExtractor,
  ExtractableRecord,
  TimestampExtractor,
  TimestampExtractorFunction,
} from "../topology/timestamp-extractor.js";
import { InvalidTimestampError } from "./processing-errors.js";

const failOnInvalidTimestamp: TimestampExtractorFunction = (record) => {
  if (!(record.timestamp >= 0)) throw new InvalidTimestampError(record.timestamp, metadataOf(record));
  return record.timestamp;
};

const BUILT_IN: Record<BuiltInTimestampExtractor, TimestampExtractorFunction> = {
  failOnInvalidTimestamp,
  logAndSkipOnInvalidTimestamp: (record) => record.timestamp,
  usePartitionTimeOnInvalidTimestamp: (record, partitionTime) => {
    if (record.timestamp >= 0) return record.timestamp;
    if (partitionTime < 0) {
      throw new InvalidTimestampError(
        record.timestamp,
        metadataOf(record),
        "its partition has no time yet to use instead (usePartitionTimeOnInvalidTimestamp)",
      );
    }
    return partitionTime;
  },
  wallclockTimestampExtractor: () => Date.now(),
};

/** The function behind an extractor given by name or as a function; unknown names fail at once. */
export function timestampExtractorFunction(extractor: TimestampExtractor): TimestampExtractorFunction {
  if (typeof extractor === "function") return extractor;
  const builtIn = BUILT_IN[extractor];
  if (builtIn === undefined) {
    throw new RangeError(
      `Unknown timestamp extractor ${JSON.stringify(extractor)}: use one of ${Object.keys(BUILT_IN).join(", ")}, or a function`,
    );
  }
  return builtIn;
}

/** The default extractor: a record's own timestamp, a negative one being unreadable. */
export function isDefaultExtractor(extractor: TimestampExtractorFunction): boolean {
  return extractor === failOnInvalidTimestamp;
}

function metadataOf(record: ExtractableRecord): RecordMetadata {
  return { topic: record.topic, partition: record.partition, offset: record.offset };
}
