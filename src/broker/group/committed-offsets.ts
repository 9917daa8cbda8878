// The offsets a group has committed, per topic partition. Kafka keeps these in the
// compacted __consumer_offsets topic; here they live in memory (part 2 persists them in the
// data directory and adds transactional offsets that stay pending until their transaction
// commits).

export interface CommittedOffset {
  offset: number;
  leaderEpoch: number;
  metadata: string | null;
  commitTimestamp: number;
}

function key(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

export class CommittedOffsets {
  private readonly byPartition = new Map<string, CommittedOffset & { topic: string; partition: number }>();

  get size(): number {
    return this.byPartition.size;
  }

  get(topic: string, partition: number): CommittedOffset | undefined {
    return this.byPartition.get(key(topic, partition));
  }

  set(topic: string, partition: number, committed: CommittedOffset): void {
    this.byPartition.set(key(topic, partition), { ...committed, topic, partition });
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

  removeTopic(topic: string): number {
    let removed = 0;
    for (const [k, entry] of this.byPartition) {
      if (entry.topic === topic) {
        this.byPartition.delete(k);
        removed += 1;
      }
    }
    return removed;
  }

  clear(): void {
    this.byPartition.clear();
  }
}
