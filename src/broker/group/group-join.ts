// JoinGroup (Kafka's handleJoinGroup): the MEMBER_ID_REQUIRED round trip (v4+, KIP-394), new
// and known members joining, and the rejoins that start a rebalance or repeat the current
// generation's answer. A join parks until the rebalance (group-rebalance.ts) completes it.
import { randomUUID } from "node:crypto";
import { ErrorCode } from "../protocol/error-codes.js";
import { ConsumerGroup } from "./consumer-group.js";
import { GroupMember, joinError, type JoinResult, type Protocol } from "./group-member.js";
import { joinAnswer, type GroupRebalance } from "./group-rebalance.js";
import { clearPendingMemberTimer, type MemberSessions } from "./member-sessions.js";
import { validateMember } from "./member-validation.js";
import { rejoinStaticMember } from "./static-member-rejoin.js";

/** How long a new member's JoinGroup may wait in a rebalance (KIP-394). */
const NEW_MEMBER_JOIN_TIMEOUT_MS = 5 * 60 * 1000;

export interface JoinRequest {
  groupId: string;
  memberId: string;
  groupInstanceId: string | null;
  requireKnownMemberId: boolean;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  protocolType: string;
  protocols: Protocol[];
}

export interface SessionTimeoutBounds {
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
}

type Respond = (result: JoinResult) => void;

export class GroupJoin {
  constructor(
    private readonly groups: Map<string, ConsumerGroup>,
    private readonly bounds: SessionTimeoutBounds,
    private readonly sessions: MemberSessions,
    private readonly rebalance: GroupRebalance,
  ) {}

  joinGroup(request: JoinRequest): Promise<JoinResult> {
    return new Promise((resolve) => this.handleJoin(request, resolve));
  }

  private handleJoin(request: JoinRequest, respond: Respond): void {
    const { groupId, memberId, sessionTimeoutMs } = request;
    if (groupId.length === 0) return respond(joinError(memberId, ErrorCode.INVALID_GROUP_ID));
    if (sessionTimeoutMs < this.bounds.minSessionTimeoutMs || sessionTimeoutMs > this.bounds.maxSessionTimeoutMs) {
      return respond(joinError(memberId, ErrorCode.INVALID_SESSION_TIMEOUT));
    }
    const isUnknownMember = memberId === "";
    let group = this.groups.get(groupId);
    if (!group) {
      // A member that names itself cannot create a group: its group is gone.
      if (!isUnknownMember) return respond(joinError(memberId, ErrorCode.UNKNOWN_MEMBER_ID));
      group = new ConsumerGroup(groupId);
      this.groups.set(groupId, group);
    }
    const protocolNames = request.protocols.map((p) => p.name);
    if (group.is("Dead")) {
      respond(joinError(memberId, ErrorCode.COORDINATOR_NOT_AVAILABLE));
    } else if (!group.supportsProtocols(request.protocolType, protocolNames)) {
      respond(joinError(isUnknownMember ? "" : memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    } else if (isUnknownMember) {
      this.newMemberJoin(group, request, respond);
    } else {
      this.currentMemberJoin(group, request, respond);
    }
    if (group.is("PreparingRebalance")) this.rebalance.maybeCompleteJoin(group);
  }

  private newMemberJoin(group: ConsumerGroup, request: JoinRequest, respond: Respond): void {
    const newMemberId = `${request.groupInstanceId ?? request.clientId}-${randomUUID()}`;
    if (request.groupInstanceId !== null) {
      const oldMemberId = group.staticMembers.get(request.groupInstanceId);
      if (oldMemberId !== undefined) {
        rejoinStaticMember(group, request, oldMemberId, newMemberId, respond, this.sessions, this.rebalance);
      } else {
        this.addMemberAndRebalance(group, request, newMemberId, respond);
      }
    } else if (request.requireKnownMemberId) {
      // KIP-394: hand out the id first, so a client that times out and retries does not
      // leave a trail of defunct members in the rebalance.
      group.pendingMembers.add(newMemberId);
      this.sessions.schedulePendingMemberExpiry(group, newMemberId, request.sessionTimeoutMs);
      respond(joinError(newMemberId, ErrorCode.MEMBER_ID_REQUIRED));
    } else {
      this.addMemberAndRebalance(group, request, newMemberId, respond);
    }
  }

  private currentMemberJoin(group: ConsumerGroup, request: JoinRequest, respond: Respond): void {
    const { memberId } = request;
    if (group.pendingMembers.has(memberId)) {
      clearPendingMemberTimer(group, memberId);
      this.addMemberAndRebalance(group, request, memberId, respond);
      return;
    }
    const error = validateMember(group, memberId, request.groupInstanceId);
    if (error !== null) return respond(joinError(memberId, error));
    const member = group.members.get(memberId)!;
    switch (group.state) {
      case "PreparingRebalance":
        this.updateMemberAndRebalance(group, member, request, respond, "member rejoined during PreparingRebalance");
        return;
      case "CompletingRebalance":
        if (member.matches(request.protocols)) {
          // It missed the JoinGroup answer: repeat it for the current generation.
          respond(joinAnswer(group, member, group.isLeader(memberId)));
        } else {
          this.updateMemberAndRebalance(group, member, request, respond, "member changed its metadata");
        }
        return;
      case "Stable":
        if (group.isLeader(memberId)) {
          // The leader rejoins to force a rebalance (e.g. it saw new partitions).
          this.updateMemberAndRebalance(group, member, request, respond, "leader rejoined");
        } else if (!member.matches(request.protocols)) {
          this.updateMemberAndRebalance(group, member, request, respond, "member changed its metadata");
        } else {
          respond(joinAnswer(group, member, false));
        }
        return;
      default:
        respond(joinError(memberId, ErrorCode.UNKNOWN_MEMBER_ID));
    }
  }

  private addMemberAndRebalance(group: ConsumerGroup, request: JoinRequest, memberId: string, respond: Respond): void {
    const member = new GroupMember(
      memberId,
      request.groupInstanceId,
      request.clientId,
      request.clientHost,
      request.rebalanceTimeoutMs,
      request.sessionTimeoutMs,
      request.protocolType,
      request.protocols,
    );
    member.isNew = true;
    if (group.is("PreparingRebalance") && group.generationId === 0) group.newMemberAdded = true;
    group.add(member, respond);
    // A new member cannot heartbeat yet; its JoinGroup gets a generous deadline of its own.
    this.sessions.scheduleSessionExpiry(group, member, NEW_MEMBER_JOIN_TIMEOUT_MS);
    this.rebalance.maybePrepareRebalance(group, `adding member ${memberId}`);
  }

  private updateMemberAndRebalance(
    group: ConsumerGroup,
    member: GroupMember,
    request: JoinRequest,
    respond: Respond,
    reason: string,
  ): void {
    group.updateMember(member, request.protocols, request.rebalanceTimeoutMs, request.sessionTimeoutMs, respond);
    this.rebalance.maybePrepareRebalance(group, reason);
  }
}
