// DeleteRecords: moves a partition's log start offset up (-1 means the high watermark).
// Kafka refuses it on topics whose cleanup.policy does not include delete.
import { Api } from "../protocol/apis.js";
import { ErrorCode } from "../protocol/error-codes.js";
import { defineHandler, type BrokerContext } from "./handler.js";

const HIGH_WATERMARK = -1;

export function deleteRecordsHandler(broker: BrokerContext) {
  return defineHandler(Api.deleteRecords, (request) => ({
    throttleTimeMs: 0,
    topics: request.topics.map((topic) => ({
      name: topic.name,
      partitions: topic.partitions.map((p) => {
        const fail = (errorCode: number) => ({ partitionIndex: p.partitionIndex, lowWatermark: -1, errorCode });
        const log = broker.topics.partition(topic.name, p.partitionIndex);
        if (!log) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        if (!log.config.cleanupPolicy.delete) return fail(ErrorCode.POLICY_VIOLATION);
        const target = p.offset === HIGH_WATERMARK ? log.highWatermark : p.offset;
        if (target < 0 || target > log.highWatermark) return fail(ErrorCode.OFFSET_OUT_OF_RANGE);
        const lowWatermark = log.deleteRecordsBefore(target);
        broker.logger.info({ topic: topic.name, partition: p.partitionIndex, lowWatermark }, "deleted records");
        return { partitionIndex: p.partitionIndex, lowWatermark, errorCode: ErrorCode.NONE };
      }),
    })),
  }));
}
