// Static membership (KIP-345): a known group.instance.id joining without a member id takes
// over its old member under a new id, fencing the old one's parked requests. A stable group
// whose protocol does not change keeps its assignment: no rebalance for a restart.
import { ErrorCode } from "../protocol/error-codes.js";
import type { ConsumerGroup } from "./consumer-group.js";
import { joinError, NO_ASSIGNMENT, type JoinResult } from "./group-member.js";
import type { JoinRequest } from "./group-join.js";
import type { GroupRebalance } from "./group-rebalance.js";
import type { MemberSessions } from "./member-sessions.js";

export function rejoinStaticMember(
  group: ConsumerGroup,
  request: JoinRequest,
  oldMemberId: string,
  newMemberId: string,
  respond: (result: JoinResult) => void,
  sessions: MemberSessions,
  rebalance: GroupRebalance,
): void {
  const currentLeader = group.leaderId;
  const fenced = { ...joinError(oldMemberId, ErrorCode.FENCED_INSTANCE_ID), assignment: NO_ASSIGNMENT };
  const member = group.replaceStaticMember(request.groupInstanceId!, oldMemberId, newMemberId, fenced);
  sessions.heartbeatReceived(group, member);
  group.updateMember(member, request.protocols, request.rebalanceTimeoutMs, request.sessionTimeoutMs, respond);
  switch (group.state) {
    case "Stable":
      if (group.protocolName === group.selectProtocol()) {
        // Same protocol: the static member takes its old place without a rebalance. The
        // previous leader id is returned, which never equals the new member id, so the
        // member does not run an assignment a stable group would not broadcast.
        group.invokeJoin(member, {
          errorCode: ErrorCode.NONE,
          memberId: newMemberId,
          generationId: group.generationId,
          protocolName: group.protocolName ?? "",
          leader: currentLeader ?? "",
          members: [],
        });
      } else {
        rebalance.maybePrepareRebalance(group, `static member ${request.groupInstanceId} changed protocols`);
      }
      return;
    case "CompletingRebalance":
      rebalance.prepareRebalance(group, `static member ${request.groupInstanceId} rejoined during CompletingRebalance`);
      return;
    default:
      return;
  }
}
