// Repartition topics are Eddy's own: records every running task has committed past are
// deleted (Kafka Streams purges them the same way, every 30 s by default). This remembers
// how far each partition was purged, so that a purge is asked for only when it moves.
import type { TopicPartitionOffset } from "../kafka/types.js";
import type { StreamTask } from "./stream-task.js";
import type { TopologyMetadata } from "./topology-metadata.js";

export class RepartitionPurges {
  readonly #purged = new Map<string, number>();

  /** What may be deleted from repartition topics: records before the offsets the running tasks committed. */
  purgeable(tasks: Iterable<StreamTask>, metadata: TopologyMetadata): TopicPartitionOffset[] {
    const offsets: TopicPartitionOffset[] = [];
    for (const task of tasks) {
      if (task.state !== "running") continue;
      const repartition = new Set(metadata.subtopology(task.subtopology).repartitionSourceTopics);
      for (const committed of task.committedOffsets()) {
        const last = this.#purged.get(`${committed.topic}|${committed.partition}`) ?? 0;
        if (repartition.has(committed.topic) && committed.offset > last) offsets.push(committed);
      }
    }
    return offsets;
  }

  /** Records that the repartition records before these offsets are gone. */
  markPurged(offsets: readonly TopicPartitionOffset[]): void {
    for (const o of offsets) this.#purged.set(`${o.topic}|${o.partition}`, o.offset);
  }
}
