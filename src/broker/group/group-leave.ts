// LeaveGroup (Kafka's handleLeaveGroup, the v3+ batch form): each leaving member gets its own
// error code; a member id of "" with a group.instance.id is an administrative removal of a
// static member (kafka-consumer-groups --delete-members).
import type { Logger } from "pino";
import { ErrorCode } from "../protocol/error-codes.js";
import type { ConsumerGroup } from "./consumer-group.js";
import type { GroupRebalance } from "./group-rebalance.js";
import { validateMember } from "./member-validation.js";

export interface MemberIdentity {
  memberId: string;
  groupInstanceId: string | null;
}

export interface LeaveResult {
  errorCode: number;
  members: (MemberIdentity & { errorCode: number })[];
}

export function leaveGroup(
  groups: ReadonlyMap<string, ConsumerGroup>,
  rebalance: GroupRebalance,
  log: Logger,
  groupId: string,
  leaving: readonly MemberIdentity[],
): LeaveResult {
  if (groupId.length === 0) return { errorCode: ErrorCode.INVALID_GROUP_ID, members: [] };
  const group = groups.get(groupId);
  if (!group) {
    return {
      errorCode: ErrorCode.NONE,
      members: leaving.map((m) => ({ ...m, errorCode: ErrorCode.UNKNOWN_MEMBER_ID })),
    };
  }
  if (group.is("Dead")) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] };
  const members = leaving.map((identity) => {
    const { memberId, groupInstanceId } = identity;
    if (memberId === "") {
      const current = groupInstanceId === null ? undefined : group.staticMembers.get(groupInstanceId);
      if (current === undefined) return { ...identity, errorCode: ErrorCode.UNKNOWN_MEMBER_ID };
      rebalance.removeMemberAndUpdateGroup(group, group.members.get(current)!);
      return { ...identity, errorCode: ErrorCode.NONE };
    }
    if (group.pendingMembers.has(memberId)) {
      rebalance.removePendingMember(group, memberId);
      return { ...identity, errorCode: ErrorCode.NONE };
    }
    const error = validateMember(group, memberId, groupInstanceId);
    if (error !== null) return { ...identity, errorCode: error };
    log.info({ groupId, memberId }, "member left the group");
    rebalance.removeMemberAndUpdateGroup(group, group.members.get(memberId)!);
    return { ...identity, errorCode: ErrorCode.NONE };
  });
  return { errorCode: ErrorCode.NONE, members };
}
