// The classic group coordinator, following Kafka's GroupCoordinator: JoinGroup with the
// MEMBER_ID_REQUIRED round trip (v4+), delayed joins bounded by the rebalance timeout,
// leader election, SyncGroup with a pending-sync deadline, heartbeats with session
// deadlines, LeaveGroup (batch form), static members (group.instance.id), offset commits
// with the generation/member checks, and "simple" groups that only store offsets
// (generation -1, no membership), which kcat, librdkafka tools and admin clients use.
// Transactional offset commits (TxnOffsetCommit) stay pending in their group until the
// transaction coordinator completes the transaction.
//
// Every deadline is a timer owned by a group or member and cleared when it is settled, so
// the broker stops promptly and nothing polls.
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { ErrorCode } from "../protocol/error-codes.js";
import { ConsumerGroup, type GroupState } from "./consumer-group.js";
import { GroupMember, type JoinResult, type Protocol, type SyncResult } from "./group-member.js";
import { memoryOffsetStore, type OffsetChange, type OffsetStore } from "./offset-store.js";

/** How long a new member's JoinGroup may wait in a rebalance (KIP-394). */
const NEW_MEMBER_JOIN_TIMEOUT_MS = 5 * 60 * 1000;
/** Kafka's offset.metadata.max.bytes. */
const OFFSET_METADATA_MAX_BYTES = 4096;

export interface GroupCoordinatorOptions {
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  initialRebalanceDelayMs: number;
  logger: Logger;
  now: () => number;
  /** Where committed offsets are persisted (default: nowhere, the broker is in memory). */
  offsetStore?: OffsetStore;
}

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

export interface SyncRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  assignments: ReadonlyMap<string, Buffer>;
}

export interface MemberIdentity {
  memberId: string;
  groupInstanceId: string | null;
}

export interface OffsetToCommit {
  topic: string;
  partition: number;
  offset: number;
  leaderEpoch: number;
  metadata: string | null;
}

export interface CommitRequest {
  groupId: string;
  memberId: string;
  groupInstanceId: string | null;
  generationId: number;
  offsets: readonly OffsetToCommit[];
}

export interface TxnCommitRequest {
  groupId: string;
  producerId: number;
  offsets: readonly OffsetToCommit[];
}

export interface GroupSummary {
  groupId: string;
  state: GroupState;
  protocolType: string;
  protocol: string;
  members: {
    memberId: string;
    groupInstanceId: string | null;
    clientId: string;
    clientHost: string;
    metadata: Buffer;
    assignment: Buffer;
  }[];
}

const EMPTY = Buffer.alloc(0);

function joinError(memberId: string, errorCode: number): JoinResult {
  return { errorCode, memberId, generationId: -1, protocolName: "", leader: "", members: [] };
}

function syncError(errorCode: number): SyncResult {
  return { errorCode, assignment: EMPTY };
}

export class GroupCoordinator {
  private readonly groups = new Map<string, ConsumerGroup>();
  private readonly offsetStore: OffsetStore;
  private closed = false;

  constructor(private readonly options: GroupCoordinatorOptions) {
    this.offsetStore = options.offsetStore ?? memoryOffsetStore;
  }

  private get log(): Logger {
    return this.options.logger;
  }

  group(groupId: string): ConsumerGroup | undefined {
    return this.groups.get(groupId);
  }

  // ---- JoinGroup ----

  joinGroup(request: JoinRequest): Promise<JoinResult> {
    return new Promise((resolve) => this.handleJoin(request, resolve));
  }

  private handleJoin(request: JoinRequest, respond: (result: JoinResult) => void): void {
    const { groupId, memberId, sessionTimeoutMs } = request;
    if (groupId.length === 0) return respond(joinError(memberId, ErrorCode.INVALID_GROUP_ID));
    if (sessionTimeoutMs < this.options.minSessionTimeoutMs || sessionTimeoutMs > this.options.maxSessionTimeoutMs) {
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
    if (group.is("PreparingRebalance")) this.maybeCompleteJoin(group);
  }

  private newMemberJoin(group: ConsumerGroup, request: JoinRequest, respond: (result: JoinResult) => void): void {
    const newMemberId = `${request.groupInstanceId ?? request.clientId}-${randomUUID()}`;
    if (request.groupInstanceId !== null) {
      const oldMemberId = group.staticMembers.get(request.groupInstanceId);
      if (oldMemberId !== undefined) {
        this.replaceStaticMember(group, request, oldMemberId, newMemberId, respond);
      } else {
        this.addMemberAndRebalance(group, request, newMemberId, respond);
      }
    } else if (request.requireKnownMemberId) {
      // KIP-394: hand out the id first, so a client that times out and retries does not
      // leave a trail of defunct members in the rebalance.
      group.pendingMembers.add(newMemberId);
      this.schedulePendingMemberExpiry(group, newMemberId, request.sessionTimeoutMs);
      respond(joinError(newMemberId, ErrorCode.MEMBER_ID_REQUIRED));
    } else {
      this.addMemberAndRebalance(group, request, newMemberId, respond);
    }
  }

  private currentMemberJoin(group: ConsumerGroup, request: JoinRequest, respond: (result: JoinResult) => void): void {
    const { memberId } = request;
    if (group.pendingMembers.has(memberId)) {
      this.clearPendingMemberTimer(group, memberId);
      this.addMemberAndRebalance(group, request, memberId, respond);
      return;
    }
    const error = this.validateMember(group, memberId, request.groupInstanceId);
    if (error !== null) return respond(joinError(memberId, error));
    const member = group.members.get(memberId)!;
    switch (group.state) {
      case "PreparingRebalance":
        this.updateMemberAndRebalance(group, member, request, respond, "member rejoined during PreparingRebalance");
        return;
      case "CompletingRebalance":
        if (member.matches(request.protocols)) {
          // It missed the JoinGroup answer: repeat it for the current generation.
          respond(this.joinAnswer(group, member, group.isLeader(memberId)));
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
          respond(this.joinAnswer(group, member, false));
        }
        return;
      default:
        respond(joinError(memberId, ErrorCode.UNKNOWN_MEMBER_ID));
    }
  }

  private joinAnswer(group: ConsumerGroup, member: GroupMember, withMembers: boolean): JoinResult {
    return {
      errorCode: ErrorCode.NONE,
      memberId: member.memberId,
      generationId: group.generationId,
      protocolName: group.protocolName ?? "",
      leader: group.leaderId ?? "",
      members: withMembers ? group.currentMemberMetadata() : [],
    };
  }

  /** group.instance.id given and memberId known? FENCED_INSTANCE_ID / UNKNOWN_MEMBER_ID, or null. */
  private validateMember(group: ConsumerGroup, memberId: string, groupInstanceId: string | null): number | null {
    if (groupInstanceId !== null) {
      const current = group.staticMembers.get(groupInstanceId);
      if (current === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
      if (current !== memberId) return ErrorCode.FENCED_INSTANCE_ID;
    }
    return group.has(memberId) ? null : ErrorCode.UNKNOWN_MEMBER_ID;
  }

  private addMemberAndRebalance(
    group: ConsumerGroup,
    request: JoinRequest,
    memberId: string,
    respond: (result: JoinResult) => void,
  ): void {
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
    this.scheduleSessionExpiry(group, member, NEW_MEMBER_JOIN_TIMEOUT_MS);
    this.maybePrepareRebalance(group, `adding member ${memberId}`);
  }

  private updateMemberAndRebalance(
    group: ConsumerGroup,
    member: GroupMember,
    request: JoinRequest,
    respond: (result: JoinResult) => void,
    reason: string,
  ): void {
    group.updateMember(member, request.protocols, request.rebalanceTimeoutMs, request.sessionTimeoutMs, respond);
    this.maybePrepareRebalance(group, reason);
  }

  private replaceStaticMember(
    group: ConsumerGroup,
    request: JoinRequest,
    oldMemberId: string,
    newMemberId: string,
    respond: (result: JoinResult) => void,
  ): void {
    const currentLeader = group.leaderId;
    const fenced = { ...joinError(oldMemberId, ErrorCode.FENCED_INSTANCE_ID), assignment: EMPTY };
    const member = group.replaceStaticMember(request.groupInstanceId!, oldMemberId, newMemberId, fenced);
    this.heartbeatReceived(group, member);
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
          this.maybePrepareRebalance(group, `static member ${request.groupInstanceId} changed protocols`);
        }
        return;
      case "CompletingRebalance":
        this.prepareRebalance(group, `static member ${request.groupInstanceId} rejoined during CompletingRebalance`);
        return;
      default:
        return;
    }
  }

  private maybePrepareRebalance(group: ConsumerGroup, reason: string): void {
    if (group.canRebalance) this.prepareRebalance(group, reason);
  }

  private prepareRebalance(group: ConsumerGroup, reason: string): void {
    if (group.is("CompletingRebalance")) this.resetAndPropagateAssignmentError(group, ErrorCode.REBALANCE_IN_PROGRESS);
    this.clearSyncTimer(group);
    const wasEmpty = group.is("Empty");
    group.transitionTo("PreparingRebalance");
    this.log.info({ groupId: group.groupId, generationId: group.generationId, reason }, "preparing to rebalance group");
    this.clearJoinTimer(group);
    if (wasEmpty) {
      const delay = this.options.initialRebalanceDelayMs;
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
        const next = Math.min(this.options.initialRebalanceDelayMs, remainingMs);
        this.scheduleInitialJoin(group, next, Math.max(remainingMs - delayMs, 0));
      } else {
        this.onCompleteJoin(group);
      }
    }, delayMs);
    group.initialJoin = true;
  }

  /** Completes the join phase early once every known member has rejoined. */
  private maybeCompleteJoin(group: ConsumerGroup): void {
    if (!group.is("PreparingRebalance") || group.initialJoin || !group.hasAllMembersJoined) return;
    this.clearJoinTimer(group);
    this.onCompleteJoin(group);
  }

  private onCompleteJoin(group: ConsumerGroup): void {
    group.initialJoin = false;
    if (!group.is("PreparingRebalance")) return;
    for (const member of [...group.members.values()]) {
      if (!member.isAwaitingJoin && !member.isStatic) {
        this.log.info({ groupId: group.groupId, memberId: member.memberId }, "removing member that did not rejoin in time");
        group.remove(member.memberId);
        this.clearSessionTimer(member);
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
      { groupId: group.groupId, generationId: group.generationId, members: group.members.size, protocol: group.protocolName },
      "stabilized group",
    );
    for (const member of group.members.values()) {
      group.invokeJoin(member, this.joinAnswer(group, member, group.isLeader(member.memberId)));
      this.heartbeatReceived(group, member);
      member.isNew = false;
      group.pendingSyncMembers.add(member.memberId);
    }
    this.schedulePendingSync(group);
  }

  /** Members that got their JoinGroup answer must send SyncGroup within the rebalance timeout. */
  private schedulePendingSync(group: ConsumerGroup): void {
    this.clearSyncTimer(group);
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
        if (member) this.clearSessionTimer(member);
      }
      this.log.info({ groupId: group.groupId, members: missing }, "removed members that did not send SyncGroup in time");
      this.prepareRebalance(group, "pending sync expired");
    }, group.rebalanceTimeoutMs);
  }

  private removePendingSyncMember(group: ConsumerGroup, memberId: string): void {
    group.pendingSyncMembers.delete(memberId);
    if (group.pendingSyncMembers.size === 0) this.clearSyncTimer(group);
  }

  // ---- SyncGroup ----

  syncGroup(request: SyncRequest): Promise<SyncResult> {
    return new Promise((resolve) => this.handleSync(request, resolve));
  }

  private handleSync(request: SyncRequest, respond: (result: SyncResult) => void): void {
    const { groupId, memberId, generationId } = request;
    if (groupId.length === 0) return respond(syncError(ErrorCode.INVALID_GROUP_ID));
    const group = this.groups.get(groupId);
    if (!group) return respond(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    if (group.is("Dead")) return respond(syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE));
    const error = this.validateMember(group, memberId, request.groupInstanceId);
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
        this.removePendingSyncMember(group, memberId);
        if (group.isLeader(memberId)) {
          // Members the leader left out get an empty assignment, not an error.
          for (const m of group.members.values()) m.assignment = request.assignments.get(m.memberId) ?? EMPTY;
          this.propagateAssignment(group, ErrorCode.NONE);
          group.transitionTo("Stable");
          this.log.info({ groupId, generationId, members: group.members.size }, "group assignment received from leader");
        }
        return;
      }
      case "Stable":
        this.removePendingSyncMember(group, memberId);
        respond({ errorCode: ErrorCode.NONE, assignment: member.assignment });
        this.heartbeatReceived(group, member);
        return;
      default:
        return respond(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    }
  }

  private resetAndPropagateAssignmentError(group: ConsumerGroup, errorCode: number): void {
    for (const member of group.members.values()) member.assignment = EMPTY;
    this.propagateAssignment(group, errorCode);
  }

  private propagateAssignment(group: ConsumerGroup, errorCode: number): void {
    for (const member of group.members.values()) {
      const result = errorCode === ErrorCode.NONE ? { errorCode, assignment: member.assignment } : syncError(errorCode);
      // The session clock restarts once a member has its assignment.
      if (group.invokeSync(member, result)) this.heartbeatReceived(group, member);
    }
  }

  // ---- Heartbeat ----

  heartbeat(groupId: string, memberId: string, groupInstanceId: string | null, generationId: number): number {
    if (groupId.length === 0) return ErrorCode.INVALID_GROUP_ID;
    const group = this.groups.get(groupId);
    if (!group) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (group.is("Dead")) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    const error = this.validateMember(group, memberId, groupInstanceId);
    if (error !== null) return error;
    if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    const member = group.members.get(memberId)!;
    switch (group.state) {
      case "Empty":
        return ErrorCode.UNKNOWN_MEMBER_ID;
      case "PreparingRebalance":
        this.heartbeatReceived(group, member);
        return ErrorCode.REBALANCE_IN_PROGRESS;
      default:
        this.heartbeatReceived(group, member);
        return ErrorCode.NONE;
    }
  }

  /** Marks the member alive and restarts its session deadline. */
  private heartbeatReceived(group: ConsumerGroup, member: GroupMember): void {
    member.heartbeatSatisfied = true;
    this.scheduleSessionExpiry(group, member, member.sessionTimeoutMs);
  }

  private scheduleSessionExpiry(group: ConsumerGroup, member: GroupMember, timeoutMs: number): void {
    this.clearSessionTimer(member);
    member.heartbeatSatisfied = false;
    member.sessionTimer = setTimeout(() => {
      member.sessionTimer = null;
      if (group.members.get(member.memberId) !== member) return;
      if (member.hasSatisfiedHeartbeat) return;
      this.log.info({ groupId: group.groupId, memberId: member.memberId }, "member session expired, removing it from the group");
      this.removeMemberAndUpdateGroup(group, member);
    }, timeoutMs);
  }

  private clearSessionTimer(member: GroupMember): void {
    if (member.sessionTimer) clearTimeout(member.sessionTimer);
    member.sessionTimer = null;
  }

  private schedulePendingMemberExpiry(group: ConsumerGroup, memberId: string, timeoutMs: number): void {
    group.pendingMemberTimers.set(
      memberId,
      setTimeout(() => {
        group.pendingMemberTimers.delete(memberId);
        if (!group.pendingMembers.has(memberId)) return;
        this.log.info({ groupId: group.groupId, memberId }, "pending member did not rejoin in time");
        this.removePendingMember(group, memberId);
      }, timeoutMs),
    );
  }

  private clearPendingMemberTimer(group: ConsumerGroup, memberId: string): void {
    const timer = group.pendingMemberTimers.get(memberId);
    if (timer) clearTimeout(timer);
    group.pendingMemberTimers.delete(memberId);
  }

  private removePendingMember(group: ConsumerGroup, memberId: string): void {
    this.clearPendingMemberTimer(group, memberId);
    group.remove(memberId);
    if (group.is("PreparingRebalance")) this.maybeCompleteJoin(group);
  }

  private removeMemberAndUpdateGroup(group: ConsumerGroup, member: GroupMember): void {
    // A member leaving while its JoinGroup is parked gets UNKNOWN_MEMBER_ID and may retry.
    group.invokeJoin(member, joinError("", ErrorCode.UNKNOWN_MEMBER_ID));
    this.clearSessionTimer(member);
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

  // ---- LeaveGroup ----

  leaveGroup(groupId: string, leaving: readonly MemberIdentity[]): { errorCode: number; members: (MemberIdentity & { errorCode: number })[] } {
    if (groupId.length === 0) return { errorCode: ErrorCode.INVALID_GROUP_ID, members: [] };
    const group = this.groups.get(groupId);
    if (!group) {
      return { errorCode: ErrorCode.NONE, members: leaving.map((m) => ({ ...m, errorCode: ErrorCode.UNKNOWN_MEMBER_ID })) };
    }
    if (group.is("Dead")) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] };
    const members = leaving.map((identity) => {
      const { memberId, groupInstanceId } = identity;
      if (memberId === "") {
        // Administrative removal of a static member by its instance id.
        const current = groupInstanceId === null ? undefined : group.staticMembers.get(groupInstanceId);
        if (current === undefined) return { ...identity, errorCode: ErrorCode.UNKNOWN_MEMBER_ID };
        this.removeMemberAndUpdateGroup(group, group.members.get(current)!);
        return { ...identity, errorCode: ErrorCode.NONE };
      }
      if (group.pendingMembers.has(memberId)) {
        this.removePendingMember(group, memberId);
        return { ...identity, errorCode: ErrorCode.NONE };
      }
      const error = this.validateMember(group, memberId, groupInstanceId);
      if (error !== null) return { ...identity, errorCode: error };
      this.log.info({ groupId, memberId }, "member left the group");
      this.removeMemberAndUpdateGroup(group, group.members.get(memberId)!);
      return { ...identity, errorCode: ErrorCode.NONE };
    });
    return { errorCode: ErrorCode.NONE, members };
  }

  // ---- offsets ----

  /**
   * Checks a commit against the group (Kafka's validateOffsetCommit and doCommitOffsets) and
   * stores what passes; returns one error code per offset, in order.
   */
  commitOffsets(request: CommitRequest, partitionExists: (topic: string, partition: number) => boolean): number[] {
    const { groupId, memberId, groupInstanceId, generationId, offsets } = request;
    const all = (code: number): number[] => offsets.map(() => code);
    let group = this.groups.get(groupId);
    if (!group) {
      // No group: a generation of -1 means the client only uses Kafka to store offsets.
      if (generationId >= 0) return all(ErrorCode.ILLEGAL_GENERATION);
      group = new ConsumerGroup(groupId);
      this.groups.set(groupId, group);
      this.log.info({ groupId }, "created simple consumer group via offset commit");
    }
    const error = this.validateCommit(group, memberId, groupInstanceId, generationId);
    if (error !== null) return all(error);
    if (group.is("CompletingRebalance")) {
      // Its member id and generation are current, but the assignment is not out yet.
      return all(ErrorCode.REBALANCE_IN_PROGRESS);
    }
    if (group.is("Stable") || group.is("PreparingRebalance")) {
      // Commits are still accepted while preparing a rebalance: the heartbeat answer is what
      // tells the member to rejoin.
      this.heartbeatReceived(group, group.members.get(memberId)!);
    }
    const now = this.options.now();
    return offsets.map((o) => {
      if (!partitionExists(o.topic, o.partition)) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      if (o.metadata !== null && Buffer.byteLength(o.metadata) > OFFSET_METADATA_MAX_BYTES) {
        return ErrorCode.OFFSET_METADATA_TOO_LARGE;
      }
      const offset = group.offsets.set(o.topic, o.partition, {
        offset: o.offset,
        leaderEpoch: o.leaderEpoch,
        metadata: o.metadata,
        commitTimestamp: now,
      });
      this.offsetStore.write({ op: "commit", groupId, topic: o.topic, partition: o.partition, offset });
      return ErrorCode.NONE;
    });
  }

  /**
   * TxnOffsetCommit (Kafka's handleTxnCommitOffsets without KIP-447's generation check, which
   * the advertised versions do not carry): the offsets are stored pending under the producer
   * id until the transaction ends. A group that does not exist yet is created, as Kafka does.
   * The transaction coordinator has checked the producer's epoch and the group's membership
   * in its transaction.
   */
  commitTxnOffsets(request: TxnCommitRequest, partitionExists: (topic: string, partition: number) => boolean): number[] {
    const { groupId, producerId, offsets } = request;
    if (groupId.length === 0) return offsets.map(() => ErrorCode.INVALID_GROUP_ID);
    let group = this.groups.get(groupId);
    if (!group) {
      group = new ConsumerGroup(groupId);
      this.groups.set(groupId, group);
    }
    if (group.is("Dead")) return offsets.map(() => ErrorCode.COORDINATOR_NOT_AVAILABLE);
    const now = this.options.now();
    return offsets.map((o) => {
      if (!partitionExists(o.topic, o.partition)) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      if (o.metadata !== null && Buffer.byteLength(o.metadata) > OFFSET_METADATA_MAX_BYTES) {
        return ErrorCode.OFFSET_METADATA_TOO_LARGE;
      }
      const offset = group.offsets.setPending(producerId, o.topic, o.partition, {
        offset: o.offset,
        leaderEpoch: o.leaderEpoch,
        metadata: o.metadata,
        commitTimestamp: now,
      });
      this.offsetStore.write({ op: "pending", groupId, producerId, topic: o.topic, partition: o.partition, offset });
      return ErrorCode.NONE;
    });
  }

  /** The transaction coordinator ended a transaction that committed offsets of this group. */
  completeTransaction(groupId: string, producerId: number, commit: boolean): void {
    const group = this.groups.get(groupId);
    if (!group) return;
    group.offsets.endTransaction(producerId, commit);
    this.offsetStore.write({ op: "end-txn", groupId, producerId, commit });
  }

  /** Replays the offset changes of a data directory (at startup, before any client connects). */
  restoreOffsets(changes: Iterable<OffsetChange>): void {
    for (const change of changes) {
      let group = this.groups.get(change.groupId);
      if (change.op === "delete-group") {
        this.groups.delete(change.groupId);
        continue;
      }
      if (!group) {
        group = new ConsumerGroup(change.groupId);
        this.groups.set(change.groupId, group);
      }
      switch (change.op) {
        case "commit":
          group.offsets.set(change.topic, change.partition, change.offset);
          break;
        case "pending":
          group.offsets.setPending(change.producerId, change.topic, change.partition, change.offset);
          break;
        case "end-txn":
          group.offsets.endTransaction(change.producerId, change.commit);
          break;
        case "remove-topic":
          group.offsets.removeTopic(change.topic);
          break;
        case "delete-offset":
          group.offsets.delete(change.topic, change.partition);
          break;
      }
    }
  }

  /** Every change that recreates the current offsets (a data directory compacts its journal with these). */
  *offsetChanges(): Generator<OffsetChange> {
    for (const group of this.groups.values()) yield* group.offsets.changes(group.groupId);
  }

  private validateCommit(group: ConsumerGroup, memberId: string, groupInstanceId: string | null, generationId: number): number | null {
    if (group.is("Dead")) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (generationId < 0 && group.is("Empty")) return null;
    if (generationId >= 0 || memberId !== "" || groupInstanceId !== null) {
      const error = this.validateMember(group, memberId, groupInstanceId);
      if (error !== null) return error;
      return generationId === group.generationId ? null : ErrorCode.ILLEGAL_GENERATION;
    }
    // A group with members only takes commits from its members.
    return group.is("Empty") ? null : ErrorCode.UNKNOWN_MEMBER_ID;
  }

  // ---- describe, list, delete ----

  describeGroup(groupId: string): GroupSummary {
    const group = this.groups.get(groupId);
    if (!group) return { groupId, state: "Dead", protocolType: "", protocol: "", members: [] };
    const stable = group.is("Stable");
    const protocol = stable ? (group.protocolName ?? "") : "";
    return {
      groupId,
      state: group.state,
      protocolType: group.protocolType ?? "",
      protocol,
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        metadata: stable ? m.metadataFor(protocol) : EMPTY,
        assignment: stable ? m.assignment : EMPTY,
      })),
    };
  }

  listGroups(): { groupId: string; protocolType: string; state: GroupState }[] {
    return [...this.groups.values()]
      .filter((g) => !g.is("Dead"))
      .map((g) => ({ groupId: g.groupId, protocolType: g.protocolType ?? "", state: g.state }));
  }

  deleteGroup(groupId: string): number {
    const group = this.groups.get(groupId);
    if (!group || group.is("Dead")) return ErrorCode.GROUP_ID_NOT_FOUND;
    if (!group.is("Empty")) return ErrorCode.NON_EMPTY_GROUP;
    group.transitionTo("Dead");
    this.disposeGroup(group);
    this.groups.delete(groupId);
    this.offsetStore.write({ op: "delete-group", groupId });
    this.log.info({ groupId }, "deleted group and its offsets");
    return ErrorCode.NONE;
  }

  /**
   * OffsetDelete (Kafka's handleDeleteOffsets): a "consumer" group keeps the offsets of topics
   * its members subscribe to (GROUP_SUBSCRIBED_TO_TOPIC per partition) and loses the others;
   * any other group only when it is empty. Returns the group-level error, or the per-partition
   * codes in request order.
   */
  deleteOffsets(
    groupId: string,
    partitions: readonly { topic: string; partition: number }[],
    partitionExists: (topic: string, partition: number) => boolean,
  ): { errorCode: number; partitionErrors: number[] } {
    const fail = (errorCode: number) => ({ errorCode, partitionErrors: partitions.map(() => ErrorCode.NONE) });
    if (groupId.length === 0) return fail(ErrorCode.INVALID_GROUP_ID);
    const group = this.groups.get(groupId);
    if (!group || group.is("Dead")) return fail(ErrorCode.GROUP_ID_NOT_FOUND);
    let subscribed: Set<string> | null = new Set();
    if (group.protocolType === "consumer") subscribed = group.subscribedTopics();
    else if (!group.is("Empty")) return fail(ErrorCode.NON_EMPTY_GROUP);
    const partitionErrors = partitions.map(({ topic, partition }) => {
      if (!partitionExists(topic, partition)) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      if (subscribed === null || subscribed.has(topic)) return ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC;
      if (group.offsets.delete(topic, partition)) {
        this.offsetStore.write({ op: "delete-offset", groupId, topic, partition });
      }
      return ErrorCode.NONE;
    });
    this.log.info({ groupId, partitions: partitions.length }, "deleted committed offsets");
    return { errorCode: ErrorCode.NONE, partitionErrors };
  }

  /** Kafka removes the committed offsets of deleted partitions from every group. */
  onTopicDeleted(topic: string): void {
    for (const group of this.groups.values()) {
      group.offsets.removeTopic(topic);
      this.offsetStore.write({ op: "remove-topic", groupId: group.groupId, topic });
    }
  }

  // ---- lifecycle ----

  private clearJoinTimer(group: ConsumerGroup): void {
    if (group.joinTimer) clearTimeout(group.joinTimer);
    group.joinTimer = null;
    group.initialJoin = false;
  }

  private clearSyncTimer(group: ConsumerGroup): void {
    if (group.syncTimer) clearTimeout(group.syncTimer);
    group.syncTimer = null;
  }

  private disposeGroup(group: ConsumerGroup): void {
    this.clearJoinTimer(group);
    this.clearSyncTimer(group);
    for (const member of group.members.values()) this.clearSessionTimer(member);
    for (const timer of group.pendingMemberTimers.values()) clearTimeout(timer);
    group.pendingMemberTimers.clear();
    group.offsets.clear();
  }

  /** Clears every timer; parked JoinGroup/SyncGroup requests die with their connections. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const group of this.groups.values()) this.disposeGroup(group);
    this.groups.clear();
  }
}
