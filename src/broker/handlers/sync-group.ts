// SyncGroup: the leader hands in the assignment; every member waits for its own share.
import { Api } from "../protocol/apis.js";
import { defineHandler, type BrokerContext } from "./handler.js";

export function syncGroupHandler(broker: BrokerContext) {
  return defineHandler(Api.syncGroup, async (request) => {
    const assignments = new Map<string, Buffer>();
    for (const a of request.assignments) assignments.set(a.memberId, Buffer.from(a.assignment));
    const result = await broker.groups.syncGroup({
      groupId: request.groupId,
      generationId: request.generationId,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId,
      assignments,
    });
    return { throttleTimeMs: 0, errorCode: result.errorCode, assignment: result.assignment };
  });
}
