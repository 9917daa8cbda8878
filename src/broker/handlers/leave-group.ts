// LeaveGroup: v0-2 name one member; v3+ a batch of members with an error per member.
import { Api } from "../protocol/apis.js";
import { ErrorCode } from "../protocol/error-codes.js";
import { defineHandler, type BrokerContext } from "./handler.js";

export function leaveGroupHandler(broker: BrokerContext) {
  return defineHandler(Api.leaveGroup, (request, { header }) => {
    const batch = header.apiVersion >= 3;
    const leaving = batch ? request.members : [{ memberId: request.memberId, groupInstanceId: null }];
    const result = broker.groups.leaveGroup(request.groupId, leaving);
    if (batch) return { throttleTimeMs: 0, errorCode: result.errorCode, members: result.members };
    // Before v3 the single member's error is the response's error.
    const memberError = result.members[0]?.errorCode ?? ErrorCode.NONE;
    return { throttleTimeMs: 0, errorCode: result.errorCode !== ErrorCode.NONE ? result.errorCode : memberError };
  });
}
