// SyncGroup (Kafka's handleSyncGroup): in CompletingRebalance every member parks until the
// leader's SyncGroup brings the assignments; in Stable a member gets its assignment at once.
import type { Logger } from "pino";
import { ErrorCode } from "../protocol/error-codes.js";
import type { ConsumerGroup } from "./consumer-group.js";
import { NO_ASSIGNMENT, syncError, type SyncResult } from "./group-member.js";
import type { GroupRebalance } from "./group-rebalance.js";
import type { MemberSessions } from "./member-sessions.js";
import { validateMember } from "./member-validation.js";

export interface SyncRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  assignments: ReadonlyMap<string, Buffer>;
}

export class GroupSync {
  constructor(
    private readonly groups: ReadonlyMap<string, ConsumerGroup>,
    private readonly log: Logger,
    private readonly sessions: MemberSessions,
    private readonly rebalance: GroupRebalance,
  ) {}

  syncGroup(request: SyncRequest): Promise<SyncResult> {
    return new Promise((resolve) => this.handleSync(request, resolve));
  }

  private handleSync(request: SyncRequest, respond: (result: SyncResult) => void): void {
    const { groupId, memberId, generationId } = request;
    if (groupId.length === 0) return respond(syncError(ErrorCode.INVALID_GROUP_ID));
    const group = this.groups.get(groupId);
    if (!group) return respond(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    if (group.is("Dead")) return respond(syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE));
    const error = validateMember(group, memberId, request.groupInstanceId);
    if (error !== null) return respond(syncError(error));
    if (generationId !== group.generationId) return respond(syncError(ErrorCode.ILLEGAL_GENERATION));
    const member = group.members.get(memberId)!;
    switch (group.state) {
      case "Empty":
        return respond(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
      case "PreparingRebalance":
        return respond(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
      case "CompletingRebalance": {
        member.awaitingSync = respond;
        this.rebalance.removePendingSyncMember(group, memberId);
        if (group.isLeader(memberId)) {
          // Members the leader left out get an empty assignment, not an error.
          for (const m of group.members.values()) m.assignment = request.assignments.get(m.memberId) ?? NO_ASSIGNMENT;
          this.rebalance.propagateAssignment(group, ErrorCode.NONE);
          group.transitionTo("Stable");
          this.log.info(
            { groupId, generationId, members: group.members.size },
            "group assignment received from leader",
          );
        }
        return;
      }
      case "Stable":
        this.rebalance.removePendingSyncMember(group, memberId);
        respond({ errorCode: ErrorCode.NONE, assignment: member.assignment });
        this.sessions.heartbeatReceived(group, member);
        return;
      default:
        return respond(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    }
  }
}
