// OffsetCommit: members commit under their generation; a client outside group management
// commits with generation -1 and an empty member id ("simple" group).
import { Api } from "../protocol/apis.js";
import { defineHandler, type BrokerContext } from "./handler.js";
import { offsetEntries, partitionExists, perPartitionCodes } from "./offset-commit-entries.js";

export function offsetCommitHandler(broker: BrokerContext) {
  return defineHandler(Api.offsetCommit, (request, { header }) => {
    const offsets = offsetEntries(request.topics);
    const codes = broker.groups.commitOffsets(
      {
        groupId: request.groupId,
        memberId: header.apiVersion === 0 ? "" : request.memberId,
        groupInstanceId: request.groupInstanceId,
        generationId: header.apiVersion === 0 ? -1 : request.generationIdOrMemberEpoch,
        offsets,
      },
      partitionExists(broker),
    );
    return { throttleTimeMs: 0, topics: perPartitionCodes(request.topics, codes) };
  });
}
