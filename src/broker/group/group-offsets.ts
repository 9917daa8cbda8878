// A group's committed offsets as the coordinator serves them: OffsetCommit with Kafka's
// generation/member checks, "simple" groups that only store offsets (generation -1, no
// membership: kcat, librdkafka tools, admin clients), TxnOffsetCommit offsets pending until
// their transaction ends, OffsetDelete, topic deletion, and the journal replay at startup.
// Every change goes to the offset store before the client is answered.
import type { Logger } from "pino";
import { ErrorCode } from "../protocol/error-codes.js";
import { ConsumerGroup } from "./consumer-group.js";
import type { MemberSessions } from "./member-sessions.js";
import { validateMember } from "./member-validation.js";
import type { OffsetChange, OffsetStore } from "./offset-store.js";

/** Kafka's offset.metadata.max.bytes. */
const OFFSET_METADATA_MAX_BYTES = 4096;

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
  /** KIP-447 (TxnOffsetCommit v3): the committing consumer's place in the group; -1, "" and null before v3. */
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  offsets: readonly OffsetToCommit[];
}

export type PartitionExists = (topic: string, partition: number) => boolean;

export class GroupOffsets {
  constructor(
    private readonly groups: Map<string, ConsumerGroup>,
    private readonly offsetStore: OffsetStore,
    private readonly now: () => number,
    private readonly log: Logger,
    private readonly sessions: MemberSessions,
  ) {}

  /**
   * Checks a commit against the group (Kafka's validateOffsetCommit and doCommitOffsets) and
   * stores what passes; returns one error code per offset, in order.
   */
  commitOffsets(request: CommitRequest, partitionExists: PartitionExists): number[] {
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
    const error = validateCommit(group, memberId, groupInstanceId, generationId);
    if (error !== null) return all(error);
    if (group.is("CompletingRebalance")) {
      // Its member id and generation are current, but the assignment is not out yet.
      return all(ErrorCode.REBALANCE_IN_PROGRESS);
    }
    if (group.is("Stable") || group.is("PreparingRebalance")) {
      // Commits are still accepted while preparing a rebalance: the heartbeat answer is what
      // tells the member to rejoin.
      this.sessions.heartbeatReceived(group, group.members.get(memberId)!);
    }
    const now = this.now();
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
   * TxnOffsetCommit (Kafka's handleTxnCommitOffsets): the offsets are stored pending under the
   * producer id until the transaction ends. A group that does not exist yet is created, as
   * Kafka does. The transaction coordinator has checked the producer's epoch and the group's
   * membership in its transaction. From v3 the committing consumer's generation and member
   * are checked as an OffsetCommit's are (KIP-447): a member that lost its partitions in a
   * rebalance, a zombie, gets ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID or FENCED_INSTANCE_ID and
   * its transaction can only abort. Without them (v0-2) any producer may commit, as in Kafka.
   */
  commitTxnOffsets(request: TxnCommitRequest, partitionExists: PartitionExists): number[] {
    const { groupId, producerId, offsets } = request;
    if (groupId.length === 0) return offsets.map(() => ErrorCode.INVALID_GROUP_ID);
    let group = this.groups.get(groupId);
    if (!group) {
      group = new ConsumerGroup(groupId);
      this.groups.set(groupId, group);
    }
    const error = validateTxnCommit(group, request.memberId, request.groupInstanceId, request.generationId);
    if (error !== null) return offsets.map(() => error);
    const now = this.now();
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

  /**
   * OffsetDelete (Kafka's handleDeleteOffsets): a "consumer" group keeps the offsets of topics
   * its members subscribe to (GROUP_SUBSCRIBED_TO_TOPIC per partition) and loses the others;
   * any other group only when it is empty. Returns the group-level error, or the per-partition
   * codes in request order.
   */
  deleteOffsets(
    groupId: string,
    partitions: readonly { topic: string; partition: number }[],
    partitionExists: PartitionExists,
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
}

/**
 * Kafka's validateOffsetCommit with isTransactional: a commit that names a member or a
 * generation must come from a current member of the current generation; one that names
 * neither (TxnOffsetCommit before v3) is taken whatever the group's state.
 */
function validateTxnCommit(
  group: ConsumerGroup,
  memberId: string,
  groupInstanceId: string | null,
  generationId: number,
): number | null {
  if (group.is("Dead")) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
  if (generationId < 0 && group.is("Empty")) return null;
  if (generationId < 0 && memberId === "" && groupInstanceId === null) return null;
  const error = validateMember(group, memberId, groupInstanceId);
  if (error !== null) return error;
  return generationId === group.generationId ? null : ErrorCode.ILLEGAL_GENERATION;
}

/**
 * An empty group takes commits from anyone with generation -1; a group with members only
 * from a current member of the current generation.
 */
function validateCommit(
  group: ConsumerGroup,
  memberId: string,
  groupInstanceId: string | null,
  generationId: number,
): number | null {
  if (group.is("Dead")) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
  if (generationId < 0 && group.is("Empty")) return null;
  if (generationId >= 0 || memberId !== "" || groupInstanceId !== null) {
    const error = validateMember(group, memberId, groupInstanceId);
    if (error !== null) return error;
    return generationId === group.generationId ? null : ErrorCode.ILLEGAL_GENERATION;
  }
  // A group with members only takes commits from its members.
  return group.is("Empty") ? null : ErrorCode.UNKNOWN_MEMBER_ID;
}
