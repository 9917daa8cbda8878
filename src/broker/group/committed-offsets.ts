// The offsets a group has committed, per topic partition, and the offsets of transactions
// still open (TxnOffsetCommit): those stay pending, invisible to OffsetFetch, until the
// transaction commits, and are dropped if it aborts. Kafka keeps both in the compacted
// __consumer_offsets topic, where a later record wins; `order` is that position here, so a
// transaction's offsets only replace a commit made before they were sent.
import type { OffsetChange } from "./offset-store.js";

export interface CommittedOffset {
  offset: number;
  leaderEpoch: number;
  metadata: string | null;
  commitTimestamp: number;
  /** When the commit was written, relative to the group's other commits. */
  order: number;
}

/** A commit as a client sends it; `order` is assigned here. */
export type OffsetToStore = Omit<CommittedOffset, "order">;

function key(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

type Stored = CommittedOffset & { topic: string; partition: number };

export class CommittedOffsets {
  private readonly byPartition = new Map<string, Stored>();
  /** producer id -> pending offsets of its ongoing transaction. */
  private readonly pending = new Map<number, Map<string, Stored>>();
  private lastOrder = 0;

  get size(): number {
    return this.byPartition.size;
  }

  get hasPending(): boolean {
    return this.pending.size > 0;
  }

  /** Whether an ongoing transaction holds an offset of this partition (OffsetFetch's requireStable). */
  hasPendingFor(topic: string, partition: number): boolean {
    const k = key(topic, partition);
    for (const offsets of this.pending.values()) if (offsets.has(k)) return true;
    return false;
  }

  get(topic: string, partition: number): CommittedOffset | undefined {
    return this.byPartition.get(key(topic, partition));
  }

  /** Stores a commit; returns it with its order (what a journal records). */
  set(topic: string, partition: number, committed: OffsetToStore | CommittedOffset): CommittedOffset {
    const stored = this.withOrder(topic, partition, committed);
    this.byPartition.set(key(topic, partition), stored);
    return stored;
  }

  /** A transactional commit: pending until `endTransaction` for its producer. */
  setPending(
    producerId: number,
    topic: string,
    partition: number,
    committed: OffsetToStore | CommittedOffset,
  ): CommittedOffset {
    const stored = this.withOrder(topic, partition, committed);
    let offsets = this.pending.get(producerId);
    if (!offsets) this.pending.set(producerId, (offsets = new Map()));
    offsets.set(key(topic, partition), stored);
    return stored;
  }

  /** Commit: the producer's pending offsets replace older commits. Abort: they are dropped. */
  endTransaction(producerId: number, commit: boolean): void {
    const offsets = this.pending.get(producerId);
    if (!offsets) return;
    this.pending.delete(producerId);
    if (!commit) return;
    for (const [k, stored] of offsets) {
      const current = this.byPartition.get(k);
      if (!current || current.order < stored.order) this.byPartition.set(k, stored);
    }
  }

  private withOrder(topic: string, partition: number, committed: OffsetToStore | CommittedOffset): Stored {
    const order = "order" in committed ? committed.order : this.lastOrder + 1;
    this.lastOrder = Math.max(this.lastOrder, order);
    return { ...committed, order, topic, partition };
  }

  /** Every committed partition, grouped by topic in commit order. */
  byTopic(): Map<string, { partition: number; committed: CommittedOffset }[]> {
    const out = new Map<string, { partition: number; committed: CommittedOffset }[]>();
    for (const entry of this.byPartition.values()) {
      let list = out.get(entry.topic);
      if (!list) out.set(entry.topic, (list = []));
      list.push({ partition: entry.partition, committed: entry });
    }
    return out;
  }

  /** OffsetDelete: forgets one partition's committed offset; whether there was one. */
  delete(topic: string, partition: number): boolean {
    return this.byPartition.delete(key(topic, partition));
  }

  removeTopic(topic: string): number {
    let removed = 0;
    for (const [k, entry] of this.byPartition) {
      if (entry.topic === topic) {
        this.byPartition.delete(k);
        removed += 1;
      }
    }
    for (const offsets of this.pending.values()) {
      for (const [k, entry] of offsets) if (entry.topic === topic) offsets.delete(k);
    }
    return removed;
  }

  /** The changes that recreate these offsets, committed first, then the pending ones. */
  *changes(groupId: string): Generator<OffsetChange> {
    for (const { topic, partition, ...offset } of this.byPartition.values()) {
      yield { op: "commit", groupId, topic, partition, offset };
    }
    for (const [producerId, offsets] of this.pending) {
      for (const { topic, partition, ...offset } of offsets.values()) {
        yield { op: "pending", groupId, producerId, topic, partition, offset };
      }
    }
  }

  clear(): void {
    this.byPartition.clear();
    this.pending.clear();
  }
}
