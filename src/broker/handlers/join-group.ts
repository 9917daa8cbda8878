// JoinGroup: parks until the group's join phase completes (see group/group-rebalance.ts).
// From v4 on, a member without an id is first told MEMBER_ID_REQUIRED with its new id.
import { Api } from "../protocol/apis.js";
import { defineHandler, type BrokerContext } from "./handler.js";

export function joinGroupHandler(broker: BrokerContext) {
  return defineHandler(Api.joinGroup, async (request, { header, clientHost }) => {
    const result = await broker.groups.joinGroup({
      groupId: request.groupId,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId,
      requireKnownMemberId: header.apiVersion >= 4,
      clientId: header.clientId ?? "",
      clientHost,
      // v0 has no rebalance timeout: the session timeout bounds the join phase.
      rebalanceTimeoutMs: header.apiVersion === 0 ? request.sessionTimeoutMs : request.rebalanceTimeoutMs,
      sessionTimeoutMs: request.sessionTimeoutMs,
      protocolType: request.protocolType,
      protocols: request.protocols.map((p) => ({ name: p.name, metadata: Buffer.from(p.metadata) })),
    });
    return {
      throttleTimeMs: 0,
      errorCode: result.errorCode,
      generationId: result.generationId,
      protocolName: result.protocolName,
      leader: result.leader,
      memberId: result.memberId,
      members: result.members,
    };
  });
}
