// OffsetCommit: members commit under their generation; a client outside group management
// commits with generation -1 and an empty member id ("simple" group).
import { Api } from "../protocol/apis.js";
import { defineHandler, type BrokerContext } from "./handler.js";

export function offsetCommitHandler(broker: BrokerContext) {
  return defineHandler(Api.offsetCommit, (request, { header }) => {
    const offsets = request.topics.flatMap((topic) =>
      topic.partitions.map((p) => ({
        topic: topic.name,
        partition: p.partitionIndex,
        offset: p.committedOffset,
        leaderEpoch: p.committedLeaderEpoch,
        // Kafka stores a null metadata as the empty string.
        metadata: p.committedMetadata ?? "",
      })),
    );
    const codes = broker.groups.commitOffsets(
      {
        groupId: request.groupId,
        memberId: header.apiVersion === 0 ? "" : request.memberId,
        groupInstanceId: request.groupInstanceId,
        generationId: header.apiVersion === 0 ? -1 : request.generationIdOrMemberEpoch,
        offsets,
      },
      (topic, partition) => broker.topics.partition(topic, partition) !== undefined,
    );
    let next = 0;
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((topic) => ({
        name: topic.name,
        partitions: topic.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: codes[next++]! })),
      })),
    };
  });
}
