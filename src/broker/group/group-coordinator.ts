// The classic group coordinator (Kafka's GroupCoordinator), the one object the broker and
// its handlers talk to. It owns the groups and wires together the parts, each in its own file:
//   group-join.ts            JoinGroup, the MEMBER_ID_REQUIRED round trip
//   static-member-rejoin.ts  a group.instance.id rejoining under a new member id
//   group-sync.ts            SyncGroup
//   group-rebalance.ts       the rebalance state machine and its join/sync deadlines
//   member-sessions.ts       session and pending-member deadlines, Heartbeat
//   group-leave.ts           LeaveGroup
//   group-offsets.ts         OffsetCommit, TxnOffsetCommit, OffsetDelete, offset journal replay
//   group-admin.ts           DescribeGroups, ListGroups, DeleteGroups
import type { Logger } from "pino";
import type { ConsumerGroup } from "./consumer-group.js";
import {
  deleteGroup,
  describeGroup,
  disposeGroup,
  listGroups,
  type GroupListing,
  type GroupSummary,
} from "./group-admin.js";
import { GroupJoin, type JoinRequest } from "./group-join.js";
import { leaveGroup, type LeaveResult, type MemberIdentity } from "./group-leave.js";
import type { JoinResult, SyncResult } from "./group-member.js";
import { GroupOffsets, type CommitRequest, type PartitionExists, type TxnCommitRequest } from "./group-offsets.js";
import { GroupRebalance } from "./group-rebalance.js";
import { GroupSync, type SyncRequest } from "./group-sync.js";
import { MemberSessions } from "./member-sessions.js";
import { memoryOffsetStore, type OffsetChange, type OffsetStore } from "./offset-store.js";

export type { GroupSummary } from "./group-admin.js";
export type { JoinRequest } from "./group-join.js";
export type { MemberIdentity } from "./group-leave.js";
export type { CommitRequest, OffsetToCommit, TxnCommitRequest } from "./group-offsets.js";
export type { SyncRequest } from "./group-sync.js";

export interface GroupCoordinatorOptions {
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  initialRebalanceDelayMs: number;
  logger: Logger;
  now: () => number;
  /** Where committed offsets are persisted (default: nowhere, the broker is in memory). */
  offsetStore?: OffsetStore;
}

export class GroupCoordinator {
  private readonly groups = new Map<string, ConsumerGroup>();
  private readonly offsetStore: OffsetStore;
  private readonly sessions: MemberSessions;
  private readonly rebalance: GroupRebalance;
  private readonly joins: GroupJoin;
  private readonly syncs: GroupSync;
  private readonly offsets: GroupOffsets;
  private closed = false;

  constructor(private readonly options: GroupCoordinatorOptions) {
    this.offsetStore = options.offsetStore ?? memoryOffsetStore;
    const log = options.logger;
    // Sessions and the rebalance need each other: an expiry changes the group, and every
    // rebalance step restarts sessions.
    this.sessions = new MemberSessions(this.groups, log, {
      memberExpired: (group, member) => this.rebalance.removeMemberAndUpdateGroup(group, member),
      pendingMemberExpired: (group, memberId) => this.rebalance.removePendingMember(group, memberId),
    });
    this.rebalance = new GroupRebalance(log, options.initialRebalanceDelayMs, this.sessions);
    this.joins = new GroupJoin(this.groups, options, this.sessions, this.rebalance);
    this.syncs = new GroupSync(this.groups, log, this.sessions, this.rebalance);
    this.offsets = new GroupOffsets(this.groups, this.offsetStore, () => options.now(), log, this.sessions);
  }

  group(groupId: string): ConsumerGroup | undefined {
    return this.groups.get(groupId);
  }

  joinGroup(request: JoinRequest): Promise<JoinResult> {
    return this.joins.joinGroup(request);
  }

  syncGroup(request: SyncRequest): Promise<SyncResult> {
    return this.syncs.syncGroup(request);
  }

  heartbeat(groupId: string, memberId: string, groupInstanceId: string | null, generationId: number): number {
    return this.sessions.heartbeat(groupId, memberId, groupInstanceId, generationId);
  }

  leaveGroup(groupId: string, leaving: readonly MemberIdentity[]): LeaveResult {
    return leaveGroup(this.groups, this.rebalance, this.options.logger, groupId, leaving);
  }

  commitOffsets(request: CommitRequest, partitionExists: PartitionExists): number[] {
    return this.offsets.commitOffsets(request, partitionExists);
  }

  commitTxnOffsets(request: TxnCommitRequest, partitionExists: PartitionExists): number[] {
    return this.offsets.commitTxnOffsets(request, partitionExists);
  }

  completeTransaction(groupId: string, producerId: number, commit: boolean): void {
    this.offsets.completeTransaction(groupId, producerId, commit);
  }

  restoreOffsets(changes: Iterable<OffsetChange>): void {
    this.offsets.restoreOffsets(changes);
  }

  offsetChanges(): Generator<OffsetChange> {
    return this.offsets.offsetChanges();
  }

  deleteOffsets(
    groupId: string,
    partitions: readonly { topic: string; partition: number }[],
    partitionExists: PartitionExists,
  ): { errorCode: number; partitionErrors: number[] } {
    return this.offsets.deleteOffsets(groupId, partitions, partitionExists);
  }

  onTopicDeleted(topic: string): void {
    this.offsets.onTopicDeleted(topic);
  }

  describeGroup(groupId: string): GroupSummary {
    return describeGroup(this.groups, groupId);
  }

  listGroups(): GroupListing[] {
    return listGroups(this.groups);
  }

  deleteGroup(groupId: string): number {
    return deleteGroup(this.groups, this.offsetStore, this.options.logger, groupId);
  }

  /** Clears every timer; parked JoinGroup/SyncGroup requests die with their connections. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const group of this.groups.values()) disposeGroup(group);
    this.groups.clear();
  }
}
