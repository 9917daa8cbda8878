// ListOffsets: the earliest offset (-2), the latest (-1: the high watermark, or the last
// stable offset under read_committed) or the first offset whose timestamp is at least the
// one asked for, which under read_committed must lie below the last stable offset (Kafka's
// lastFetchableOffset). MAX_TIMESTAMP (-3) finds the record with the highest timestamp, at any
// version as Kafka does (clients send it from v7; librdkafka sends it at the highest version a
// broker advertises). v0 answers with the old list form ("offsets before"), one entry here.
import { Api } from "../protocol/apis.js";
import { ErrorCode } from "../protocol/error-codes.js";
import { defineHandler, type BrokerContext } from "./handler.js";

const LATEST = -1;
const EARLIEST = -2;
const MAX_TIMESTAMP = -3;
const READ_COMMITTED = 1;

export function listOffsetsHandler(broker: BrokerContext) {
  return defineHandler(Api.listOffsets, (request, { header }) => {
    const readCommitted = request.isolationLevel === READ_COMMITTED;
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((topic) => ({
        name: topic.name,
        partitions: topic.partitions.map((p) => {
          const log = broker.topics.partition(topic.name, p.partitionIndex);
          if (!log) {
            return {
              partitionIndex: p.partitionIndex,
              errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
              oldStyleOffsets: [],
              timestamp: -1,
              offset: -1,
            };
          }
          let found: { offset: number; timestamp: number } | null;
          if (p.timestamp === LATEST) {
            found = { offset: readCommitted ? log.lastStableOffset : log.highWatermark, timestamp: -1 };
          } else if (p.timestamp === EARLIEST) {
            found = { offset: log.logStartOffset, timestamp: -1 };
          } else {
            found = p.timestamp === MAX_TIMESTAMP ? log.offsetOfMaxTimestamp() : log.offsetForTimestamp(p.timestamp);
            const lastFetchable = readCommitted ? log.lastStableOffset : log.highWatermark;
            if (found && found.offset >= lastFetchable) found = null;
          }
          if (header.apiVersion === 0) {
            const offset = found ? found.offset : log.highWatermark;
            return {
              partitionIndex: p.partitionIndex,
              errorCode: ErrorCode.NONE,
              oldStyleOffsets: p.maxNumOffsets > 0 ? [offset] : [],
            };
          }
          return {
            partitionIndex: p.partitionIndex,
            errorCode: ErrorCode.NONE,
            timestamp: found ? found.timestamp : -1,
            offset: found ? found.offset : -1,
          };
        }),
      })),
    };
  });
}
