// The rebalance state machine of a classic group (Kafka's GroupCoordinator transitions):
// PreparingRebalance waits for members to rejoin, bounded by the rebalance timeout (the first
// rebalance of an empty group by group.initial.rebalance.delay.ms); completing the join starts
// a generation and answers the parked JoinGroups; CompletingRebalance waits for the leader's
// SyncGroup, and for every member's within the rebalance timeout; members leaving or expiring
// restart it. The JoinGroup and SyncGroup requests that drive it live in group-join.ts and
// group-sync.ts.
import type { Logger } from "pino";
import { ErrorCode } from "../protocol/error-codes.js";
import type { ConsumerGroup } from "./consumer-group.js";
import { joinError, NO_ASSIGNMENT, syncError, type GroupMember, type JoinResult } from "./group-member.js";
import { clearPendingMemberTimer, clearSessionTimer, type MemberSessions } from "./member-sessions.js";

/** The JoinGroup answer for the current generation; only the leader gets the member list. */
export function joinAnswer(group: ConsumerGroup, member: GroupMember, withMembers: boolean): JoinResult {
  return {
    errorCode: ErrorCode.NONE,
    memberId: member.memberId,
    generationId: group.generationId,
    protocolName: group.protocolName ?? "",
    leader: group.leaderId ?? "",
    members: withMembers ? group.currentMemberMetadata() : [],
  };
}

export function clearJoinTimer(group: ConsumerGroup): void {
  if (group.joinTimer) clearTimeout(group.joinTimer);
  group.joinTimer = null;
  group.initialJoin = false;
}

export function clearSyncTimer(group: ConsumerGroup): void {
  if (group.syncTimer) clearTimeout(group.syncTimer);
  group.syncTimer = null;
}

export class GroupRebalance {
  constructor(
    private readonly log: Logger,
    private readonly initialRebalanceDelayMs: number,
    private readonly sessions: MemberSessions,
  ) {}

  maybePrepareRebalance(group: ConsumerGroup, reason: string): void {
    if (group.canRebalance) this.prepareRebalance(group, reason);
  }

  prepareRebalance(group: ConsumerGroup, reason: string): void {
    if (group.is("CompletingRebalance")) this.resetAndPropagateAssignmentError(group, ErrorCode.REBALANCE_IN_PROGRESS);
    clearSyncTimer(group);
    const wasEmpty = group.is("Empty");
    group.transitionTo("PreparingRebalance");
    this.log.info({ groupId: group.groupId, generationId: group.generationId, reason }, "preparing to rebalance group");
    clearJoinTimer(group);
    if (wasEmpty) {
      const delay = this.initialRebalanceDelayMs;
      this.scheduleInitialJoin(group, delay, Math.max(group.rebalanceTimeoutMs - delay, 0));
    } else {
      group.joinTimer = setTimeout(() => {
        group.joinTimer = null;
        this.onCompleteJoin(group);
      }, group.rebalanceTimeoutMs);
      this.maybeCompleteJoin(group);
    }
  }

  /**
   * The first rebalance of an empty group waits group.initial.rebalance.delay.ms, extended
   * while new members keep arriving, so a fleet starting together forms one generation.
   */
  private scheduleInitialJoin(group: ConsumerGroup, delayMs: number, remainingMs: number): void {
    group.joinTimer = setTimeout(() => {
      group.joinTimer = null;
      if (group.newMemberAdded && remainingMs > 0) {
        group.newMemberAdded = false;
        const next = Math.min(this.initialRebalanceDelayMs, remainingMs);
        this.scheduleInitialJoin(group, next, Math.max(remainingMs - delayMs, 0));
      } else {
        this.onCompleteJoin(group);
      }
    }, delayMs);
    group.initialJoin = true;
  }

  /** Completes the join phase early once every known member has rejoined. */
  maybeCompleteJoin(group: ConsumerGroup): void {
    if (!group.is("PreparingRebalance") || group.initialJoin || !group.hasAllMembersJoined) return;
    clearJoinTimer(group);
    this.onCompleteJoin(group);
  }

  private onCompleteJoin(group: ConsumerGroup): void {
    group.initialJoin = false;
    if (!group.is("PreparingRebalance")) return;
    for (const member of [...group.members.values()]) {
      if (!member.isAwaitingJoin && !member.isStatic) {
        this.log.info(
          { groupId: group.groupId, memberId: member.memberId },
          "removing member that did not rejoin in time",
        );
        group.remove(member.memberId);
        clearSessionTimer(member);
      }
    }
    if (!group.maybeElectNewJoinedLeader() && group.members.size > 0) {
      // Nobody rejoined: wait another rebalance timeout while session timeouts clear them out.
      this.log.warn({ groupId: group.groupId }, "group could not complete rebalance because no members rejoined");
      group.joinTimer = setTimeout(() => {
        group.joinTimer = null;
        this.onCompleteJoin(group);
      }, group.rebalanceTimeoutMs);
      return;
    }
    group.initNextGeneration();
    if (group.is("Empty")) {
      this.log.info({ groupId: group.groupId, generationId: group.generationId }, "group is now empty");
      return;
    }
    this.log.info(
      {
        groupId: group.groupId,
        generationId: group.generationId,
        members: group.members.size,
        protocol: group.protocolName,
      },
      "stabilized group",
    );
    for (const member of group.members.values()) {
      group.invokeJoin(member, joinAnswer(group, member, group.isLeader(member.memberId)));
      this.sessions.heartbeatReceived(group, member);
      member.isNew = false;
      group.pendingSyncMembers.add(member.memberId);
    }
    this.schedulePendingSync(group);
  }

  /** Members that got their JoinGroup answer must send SyncGroup within the rebalance timeout. */
  private schedulePendingSync(group: ConsumerGroup): void {
    clearSyncTimer(group);
    const generationId = group.generationId;
    group.syncTimer = setTimeout(() => {
      group.syncTimer = null;
      if (generationId !== group.generationId) return;
      if (!group.is("CompletingRebalance") && !group.is("Stable")) return;
      if (group.pendingSyncMembers.size === 0) return;
      const missing = [...group.pendingSyncMembers];
      for (const memberId of missing) {
        const member = group.members.get(memberId);
        group.remove(memberId);
        if (member) clearSessionTimer(member);
      }
      this.log.info(
        { groupId: group.groupId, members: missing },
        "removed members that did not send SyncGroup in time",
      );
      this.prepareRebalance(group, "pending sync expired");
    }, group.rebalanceTimeoutMs);
  }

  removePendingSyncMember(group: ConsumerGroup, memberId: string): void {
    group.pendingSyncMembers.delete(memberId);
    if (group.pendingSyncMembers.size === 0) clearSyncTimer(group);
  }

  private resetAndPropagateAssignmentError(group: ConsumerGroup, errorCode: number): void {
    for (const member of group.members.values()) member.assignment = NO_ASSIGNMENT;
    this.propagateAssignment(group, errorCode);
  }

  /** Answers every parked SyncGroup with its assignment, or with the error. */
  propagateAssignment(group: ConsumerGroup, errorCode: number): void {
    for (const member of group.members.values()) {
      const result = errorCode === ErrorCode.NONE ? { errorCode, assignment: member.assignment } : syncError(errorCode);
      // The session clock restarts once a member has its assignment.
      if (group.invokeSync(member, result)) this.sessions.heartbeatReceived(group, member);
    }
  }

  removePendingMember(group: ConsumerGroup, memberId: string): void {
    clearPendingMemberTimer(group, memberId);
    group.remove(memberId);
    if (group.is("PreparingRebalance")) this.maybeCompleteJoin(group);
  }

  /** A member left or expired: the others rebalance without it. */
  removeMemberAndUpdateGroup(group: ConsumerGroup, member: GroupMember): void {
    // A member leaving while its JoinGroup is parked gets UNKNOWN_MEMBER_ID and may retry.
    group.invokeJoin(member, joinError("", ErrorCode.UNKNOWN_MEMBER_ID));
    clearSessionTimer(member);
    group.remove(member.memberId);
    switch (group.state) {
      case "Stable":
      case "CompletingRebalance":
        this.maybePrepareRebalance(group, `member ${member.memberId} left`);
        return;
      case "PreparingRebalance":
        this.maybeCompleteJoin(group);
        return;
      default:
        return;
    }
  }
}
