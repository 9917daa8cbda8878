// OffsetFetch: a group's committed offsets; a partition without one gets offset -1 and no
// error (v0, which Kafka served from ZooKeeper, reports UNKNOWN_TOPIC_OR_PARTITION instead).
// From v2 a null topic list asks for every committed partition. From v7 requireStable makes a
// partition whose offset an ongoing transaction holds answer UNSTABLE_OFFSET_COMMIT (retriable)
// instead of the offset before it: a new owner under exactly-once v2 waits for the old owner's
// transaction to end before it reads where to start (Kafka's GroupMetadataManager.getOffsets).
import { Api } from "../protocol/apis.js";
import { ErrorCode } from "../protocol/error-codes.js";
import { defineHandler, type BrokerContext } from "./handler.js";

export function offsetFetchHandler(broker: BrokerContext) {
  return defineHandler(Api.offsetFetch, (request, { header }) => {
    const offsets = broker.groups.group(request.groupId)?.offsets;
    const requested =
      request.topics ??
      [...(offsets?.byTopic() ?? new Map<string, { partition: number }[]>())].map(([name, entries]) => ({
        name,
        partitionIndexes: entries.map((e) => e.partition),
      }));
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      topics: requested.map((topic) => ({
        name: topic.name,
        partitions: topic.partitionIndexes.map((partitionIndex) => {
          if (request.requireStable && offsets?.hasPendingFor(topic.name, partitionIndex) === true) {
            return {
              partitionIndex,
              committedOffset: -1,
              committedLeaderEpoch: -1,
              metadata: "",
              errorCode: ErrorCode.UNSTABLE_OFFSET_COMMIT,
            };
          }
          const committed = offsets?.get(topic.name, partitionIndex);
          if (!committed) {
            return {
              partitionIndex,
              committedOffset: -1,
              committedLeaderEpoch: -1,
              metadata: "",
              errorCode: header.apiVersion === 0 ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.NONE,
            };
          }
          return {
            partitionIndex,
            committedOffset: committed.offset,
            committedLeaderEpoch: committed.leaderEpoch,
            metadata: committed.metadata ?? "",
            errorCode: ErrorCode.NONE,
          };
        }),
      })),
    };
  });
}
