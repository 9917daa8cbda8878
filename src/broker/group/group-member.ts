// One member of a classic consumer group (Kafka's MemberMetadata): its timeouts, the
// protocols it supports, its assignment, and the JoinGroup/SyncGroup it has parked with
// the coordinator. A parked request keeps the member alive (its socket is busy waiting),
// except for a brand-new member, whose JoinGroup has its own, longer timeout.

export interface JoinResult {
  errorCode: number;
  memberId: string;
  generationId: number;
  protocolName: string;
  leader: string;
  members: { memberId: string; groupInstanceId: string | null; metadata: Buffer }[];
}

export interface SyncResult {
  errorCode: number;
  assignment: Buffer;
}

export const NO_ASSIGNMENT = Buffer.alloc(0);

/** A JoinGroup answer that carries only an error (no generation, no members). */
export function joinError(memberId: string, errorCode: number): JoinResult {
  return { errorCode, memberId, generationId: -1, protocolName: "", leader: "", members: [] };
}

/** A SyncGroup answer that carries only an error (an empty assignment). */
export function syncError(errorCode: number): SyncResult {
  return { errorCode, assignment: NO_ASSIGNMENT };
}

export interface Protocol {
  name: string;
  metadata: Buffer;
}

export class GroupMember {
  assignment: Buffer = Buffer.alloc(0);
  awaitingJoin: ((result: JoinResult) => void) | null = null;
  awaitingSync: ((result: SyncResult) => void) | null = null;
  /** Joined during the current rebalance and has not yet received a JoinGroup answer. */
  isNew = false;
  /** Set by any sign of life; cleared when the next session deadline is scheduled. */
  heartbeatSatisfied = false;
  sessionTimer: NodeJS.Timeout | null = null;

  constructor(
    public memberId: string,
    readonly groupInstanceId: string | null,
    readonly clientId: string,
    readonly clientHost: string,
    public rebalanceTimeoutMs: number,
    public sessionTimeoutMs: number,
    readonly protocolType: string,
    public protocols: Protocol[],
  ) {}

  get isAwaitingJoin(): boolean {
    return this.awaitingJoin !== null;
  }

  get isAwaitingSync(): boolean {
    return this.awaitingSync !== null;
  }

  get isStatic(): boolean {
    return this.groupInstanceId !== null;
  }

  /** Whether the member counts as alive when its session deadline passes. */
  get hasSatisfiedHeartbeat(): boolean {
    if (this.isNew) return this.heartbeatSatisfied;
    if (this.isAwaitingJoin || this.isAwaitingSync) return true;
    return this.heartbeatSatisfied;
  }

  metadataFor(protocolName: string): Buffer {
    const protocol = this.protocols.find((p) => p.name === protocolName);
    if (!protocol) throw new Error(`member ${this.memberId} does not support protocol ${protocolName}`);
    return protocol.metadata;
  }

  /** Same protocols, same order, same metadata bytes: a rejoin that changes nothing. */
  matches(protocols: readonly Protocol[]): boolean {
    if (protocols.length !== this.protocols.length) return false;
    return protocols.every(
      (p, i) => p.name === this.protocols[i]!.name && p.metadata.equals(this.protocols[i]!.metadata),
    );
  }

  /** Its first preference among the protocols every member supports. */
  vote(candidates: ReadonlySet<string>): string {
    const choice = this.protocols.find((p) => candidates.has(p.name));
    if (!choice) throw new Error(`member ${this.memberId} supports none of the candidate protocols`);
    return choice.name;
  }
}
