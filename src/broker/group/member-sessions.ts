// Member liveness: the session deadline of each member, the deadline of each pending member
// (told MEMBER_ID_REQUIRED, not yet rejoined), and the Heartbeat request that restarts a
// session. What an expiry does to the group is the rebalance's business, so it is handed in.
//
// Every deadline is a timer owned by its member or group and cleared when settled, so the
// broker stops promptly and nothing polls.
import type { Logger } from "pino";
import { ErrorCode } from "../protocol/error-codes.js";
import type { ConsumerGroup } from "./consumer-group.js";
import type { GroupMember } from "./group-member.js";
import { validateMember } from "./member-validation.js";

export interface ExpiryHandlers {
  /** A member's session deadline passed without a sign of life. */
  memberExpired(group: ConsumerGroup, member: GroupMember): void;
  /** A pending member did not rejoin with its assigned id in time. */
  pendingMemberExpired(group: ConsumerGroup, memberId: string): void;
}

export function clearSessionTimer(member: GroupMember): void {
  if (member.sessionTimer) clearTimeout(member.sessionTimer);
  member.sessionTimer = null;
}

export function clearPendingMemberTimer(group: ConsumerGroup, memberId: string): void {
  const timer = group.pendingMemberTimers.get(memberId);
  if (timer) clearTimeout(timer);
  group.pendingMemberTimers.delete(memberId);
}

export class MemberSessions {
  constructor(
    private readonly groups: ReadonlyMap<string, ConsumerGroup>,
    private readonly log: Logger,
    private readonly expired: ExpiryHandlers,
  ) {}

  heartbeat(groupId: string, memberId: string, groupInstanceId: string | null, generationId: number): number {
    if (groupId.length === 0) return ErrorCode.INVALID_GROUP_ID;
    const group = this.groups.get(groupId);
    if (!group) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (group.is("Dead")) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    const error = validateMember(group, memberId, groupInstanceId);
    if (error !== null) return error;
    if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    const member = group.members.get(memberId)!;
    switch (group.state) {
      case "Empty":
        return ErrorCode.UNKNOWN_MEMBER_ID;
      case "PreparingRebalance":
        // Still alive, but it must rejoin: the error code is how a member learns of a rebalance.
        this.heartbeatReceived(group, member);
        return ErrorCode.REBALANCE_IN_PROGRESS;
      default:
        this.heartbeatReceived(group, member);
        return ErrorCode.NONE;
    }
  }

  /** Marks the member alive and restarts its session deadline. */
  heartbeatReceived(group: ConsumerGroup, member: GroupMember): void {
    member.heartbeatSatisfied = true;
    this.scheduleSessionExpiry(group, member, member.sessionTimeoutMs);
  }

  scheduleSessionExpiry(group: ConsumerGroup, member: GroupMember, timeoutMs: number): void {
    clearSessionTimer(member);
    member.heartbeatSatisfied = false;
    member.sessionTimer = setTimeout(() => {
      member.sessionTimer = null;
      if (group.members.get(member.memberId) !== member) return;
      if (member.hasSatisfiedHeartbeat) return;
      this.log.info(
        { groupId: group.groupId, memberId: member.memberId },
        "member session expired, removing it from the group",
      );
      this.expired.memberExpired(group, member);
    }, timeoutMs);
  }

  schedulePendingMemberExpiry(group: ConsumerGroup, memberId: string, timeoutMs: number): void {
    group.pendingMemberTimers.set(
      memberId,
      setTimeout(() => {
        group.pendingMemberTimers.delete(memberId);
        if (!group.pendingMembers.has(memberId)) return;
        this.log.info({ groupId: group.groupId, memberId }, "pending member did not rejoin in time");
        this.expired.pendingMemberExpired(group, memberId);
      }, timeoutMs),
    );
  }
}
