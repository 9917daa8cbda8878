// The state of one classic group (Kafka's GroupMetadata): members, the pending members that
// were told MEMBER_ID_REQUIRED, the generation, the chosen protocol and leader, and the
// committed offsets. The rules for moving between states live in group-rebalance.ts.
import { CommittedOffsets } from "./committed-offsets.js";
import { subscribedTopicsOf } from "./consumer-subscription.js";
import type { GroupMember, JoinResult, SyncResult } from "./group-member.js";

export type GroupState = "Empty" | "PreparingRebalance" | "CompletingRebalance" | "Stable" | "Dead";

const VALID_PREVIOUS: Record<GroupState, readonly GroupState[]> = {
  Empty: ["PreparingRebalance"],
  PreparingRebalance: ["Stable", "CompletingRebalance", "Empty"],
  CompletingRebalance: ["PreparingRebalance"],
  Stable: ["CompletingRebalance"],
  Dead: ["Stable", "PreparingRebalance", "CompletingRebalance", "Empty", "Dead"],
};

export class ConsumerGroup {
  state: GroupState = "Empty";
  protocolType: string | null = null;
  protocolName: string | null = null;
  generationId = 0;
  leaderId: string | null = null;
  /** A member joined during the initial delayed join: the delay may be extended once more. */
  newMemberAdded = false;
  readonly members = new Map<string, GroupMember>();
  readonly pendingMembers = new Set<string>();
  readonly pendingSyncMembers = new Set<string>();
  /** groupInstanceId -> memberId of static members. */
  readonly staticMembers = new Map<string, string>();
  readonly offsets = new CommittedOffsets();
  joinTimer: NodeJS.Timeout | null = null;
  /** The running join timer is the initial delayed join, which only time completes. */
  initialJoin = false;
  syncTimer: NodeJS.Timeout | null = null;
  readonly pendingMemberTimers = new Map<string, NodeJS.Timeout>();
  private readonly protocolSupport = new Map<string, number>();
  private awaitingJoinCount = 0;

  constructor(readonly groupId: string) {}

  is(state: GroupState): boolean {
    return this.state === state;
  }

  transitionTo(state: GroupState): void {
    if (!VALID_PREVIOUS[state].includes(this.state)) {
      throw new Error(`group ${this.groupId} cannot move from ${this.state} to ${state}`);
    }
    this.state = state;
  }

  /** States from which a rebalance may start. */
  get canRebalance(): boolean {
    return VALID_PREVIOUS.PreparingRebalance.includes(this.state);
  }

  has(memberId: string): boolean {
    return this.members.has(memberId);
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  get hasAllMembersJoined(): boolean {
    return this.members.size === this.awaitingJoinCount && this.pendingMembers.size === 0;
  }

  get rebalanceTimeoutMs(): number {
    let max = 0;
    for (const member of this.members.values()) max = Math.max(max, member.rebalanceTimeoutMs);
    return max;
  }

  add(member: GroupMember, onJoin: ((result: JoinResult) => void) | null): void {
    if (member.groupInstanceId !== null) this.staticMembers.set(member.groupInstanceId, member.memberId);
    if (this.members.size === 0) this.protocolType = member.protocolType;
    if (this.leaderId === null) this.leaderId = member.memberId;
    this.members.set(member.memberId, member);
    this.changeSupport(member, 1);
    member.awaitingJoin = onJoin;
    if (onJoin) this.awaitingJoinCount += 1;
    this.pendingMembers.delete(member.memberId);
  }

  remove(memberId: string): void {
    const member = this.members.get(memberId);
    if (member) {
      this.members.delete(memberId);
      this.changeSupport(member, -1);
      if (member.isAwaitingJoin) this.awaitingJoinCount -= 1;
      if (member.groupInstanceId !== null) this.staticMembers.delete(member.groupInstanceId);
    }
    if (this.leaderId === memberId) {
      const next = this.members.keys().next();
      this.leaderId = next.done ? null : next.value;
    }
    this.pendingMembers.delete(memberId);
    this.pendingSyncMembers.delete(memberId);
  }

  updateMember(
    member: GroupMember,
    protocols: GroupMember["protocols"],
    rebalanceTimeoutMs: number,
    sessionTimeoutMs: number,
    onJoin: ((result: JoinResult) => void) | null,
  ): void {
    this.changeSupport(member, -1);
    member.protocols = protocols;
    this.changeSupport(member, 1);
    member.rebalanceTimeoutMs = rebalanceTimeoutMs;
    member.sessionTimeoutMs = sessionTimeoutMs;
    if (onJoin && !member.isAwaitingJoin) this.awaitingJoinCount += 1;
    else if (!onJoin && member.isAwaitingJoin) this.awaitingJoinCount -= 1;
    member.awaitingJoin = onJoin;
  }

  /** Static membership: a known group.instance.id rejoined under a new member id. */
  replaceStaticMember(
    groupInstanceId: string,
    oldMemberId: string,
    newMemberId: string,
    fenced: JoinResult & SyncResult,
  ): GroupMember {
    const member = this.members.get(oldMemberId);
    if (!member) throw new Error(`cannot replace unknown member ${oldMemberId}`);
    this.members.delete(oldMemberId);
    this.invokeJoin(member, fenced);
    this.invokeSync(member, fenced);
    member.memberId = newMemberId;
    this.members.set(newMemberId, member);
    if (this.leaderId === oldMemberId) this.leaderId = newMemberId;
    this.staticMembers.set(groupInstanceId, newMemberId);
    return member;
  }

  invokeJoin(member: GroupMember, result: JoinResult): void {
    const callback = member.awaitingJoin;
    if (!callback) return;
    member.awaitingJoin = null;
    this.awaitingJoinCount -= 1;
    callback(result);
  }

  invokeSync(member: GroupMember, result: SyncResult): boolean {
    const callback = member.awaitingSync;
    if (!callback) return false;
    member.awaitingSync = null;
    callback(result);
    return true;
  }

  /** If the leader did not rejoin, any member that did becomes leader; false if none did. */
  maybeElectNewJoinedLeader(): boolean {
    if (this.leaderId === null) return false;
    const leader = this.members.get(this.leaderId);
    if (leader?.isAwaitingJoin) return true;
    for (const member of this.members.values()) {
      if (member.isAwaitingJoin) {
        this.leaderId = member.memberId;
        return true;
      }
    }
    return false;
  }

  private changeSupport(member: GroupMember, delta: number): void {
    for (const protocol of member.protocols) {
      this.protocolSupport.set(protocol.name, (this.protocolSupport.get(protocol.name) ?? 0) + delta);
    }
  }

  /** Protocols every current member supports. */
  private candidateProtocols(): Set<string> {
    const out = new Set<string>();
    for (const [name, count] of this.protocolSupport) if (count === this.members.size) out.add(name);
    return out;
  }

  /** Whether a member with these protocols may join (INCONSISTENT_GROUP_PROTOCOL otherwise). */
  supportsProtocols(protocolType: string, protocols: readonly string[]): boolean {
    if (this.is("Empty")) return protocolType.length > 0 && protocols.length > 0;
    return (
      this.protocolType === protocolType &&
      protocols.some((name) => (this.protocolSupport.get(name) ?? 0) === this.members.size)
    );
  }

  /** Each member votes for its first preference among the common protocols; most votes wins. */
  selectProtocol(): string {
    const candidates = this.candidateProtocols();
    const votes = new Map<string, number>();
    for (const member of this.members.values()) {
      const choice = member.vote(candidates);
      votes.set(choice, (votes.get(choice) ?? 0) + 1);
    }
    let best = "";
    let bestVotes = -1;
    for (const [name, count] of votes) {
      if (count > bestVotes) {
        best = name;
        bestVotes = count;
      }
    }
    return best;
  }

  initNextGeneration(): void {
    this.generationId += 1;
    if (this.members.size > 0) {
      this.protocolName = this.selectProtocol();
      this.transitionTo("CompletingRebalance");
    } else {
      this.protocolName = null;
      this.transitionTo("Empty");
    }
    this.pendingSyncMembers.clear();
  }

  /**
   * The topics the members of a "consumer" group subscribe to (Kafka's subscribedTopics), or
   * null when unknown (no protocol chosen yet, or metadata that does not parse): callers then
   * treat every topic as subscribed, as Kafka does.
   */
  subscribedTopics(): Set<string> | null {
    if (this.protocolType !== "consumer") return null;
    if (this.members.size === 0) return new Set();
    if (this.protocolName === null) return null;
    const topics = new Set<string>();
    for (const member of this.members.values()) {
      const subscribed = subscribedTopicsOf(member.metadataFor(this.protocolName));
      if (subscribed === null) return null;
      for (const topic of subscribed) topics.add(topic);
    }
    return topics;
  }

  /** The member list the leader receives in its JoinGroup answer. */
  currentMemberMetadata(): JoinResult["members"] {
    const protocol = this.protocolName ?? "";
    return [...this.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      metadata: m.metadataFor(protocol),
    }));
  }
}
