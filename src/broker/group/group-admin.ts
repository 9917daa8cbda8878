// The admin view of the groups: DescribeGroups, ListGroups, DeleteGroups, and disposing of a
// group's timers and offsets when it dies (deleted, or the broker closing).
import type { Logger } from "pino";
import { ErrorCode } from "../protocol/error-codes.js";
import type { ConsumerGroup, GroupState } from "./consumer-group.js";
import { NO_ASSIGNMENT } from "./group-member.js";
import { clearJoinTimer, clearSyncTimer } from "./group-rebalance.js";
import { clearSessionTimer } from "./member-sessions.js";
import type { OffsetStore } from "./offset-store.js";

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

export interface GroupListing {
  groupId: string;
  protocolType: string;
  state: GroupState;
}

/** An unknown group is described as Dead, as Kafka does; only a stable group shows its protocol and assignments. */
export function describeGroup(groups: ReadonlyMap<string, ConsumerGroup>, groupId: string): GroupSummary {
  const group = groups.get(groupId);
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
      metadata: stable ? m.metadataFor(protocol) : NO_ASSIGNMENT,
      assignment: stable ? m.assignment : NO_ASSIGNMENT,
    })),
  };
}

export function listGroups(groups: ReadonlyMap<string, ConsumerGroup>): GroupListing[] {
  return [...groups.values()]
    .filter((g) => !g.is("Dead"))
    .map((g) => ({ groupId: g.groupId, protocolType: g.protocolType ?? "", state: g.state }));
}

/** Only an empty group may be deleted; its offsets go with it, journaled. */
export function deleteGroup(
  groups: Map<string, ConsumerGroup>,
  offsetStore: OffsetStore,
  log: Logger,
  groupId: string,
): number {
  const group = groups.get(groupId);
  if (!group || group.is("Dead")) return ErrorCode.GROUP_ID_NOT_FOUND;
  if (!group.is("Empty")) return ErrorCode.NON_EMPTY_GROUP;
  group.transitionTo("Dead");
  disposeGroup(group);
  groups.delete(groupId);
  offsetStore.write({ op: "delete-group", groupId });
  log.info({ groupId }, "deleted group and its offsets");
  return ErrorCode.NONE;
}

/** Clears every timer the group and its members own, and its offsets. */
export function disposeGroup(group: ConsumerGroup): void {
  clearJoinTimer(group);
  clearSyncTimer(group);
  for (const member of group.members.values()) clearSessionTimer(member);
  for (const timer of group.pendingMemberTimers.values()) clearTimeout(timer);
  group.pendingMemberTimers.clear();
  group.offsets.clear();
}
