// What a task's commit writes to its changelogs, and the checkpoint that follows from
// what the broker acknowledged [ProcessorStateManager.checkpoint].
import type { ProducedOffsets, ProducedRecord, TopicPartitionOffset } from "../kafka/types.js";
import { changelogPartition } from "../stores/checkpoint.js";
import type { TaskOverlay } from "../stores/task-overlay.js";
import type { ChangelogPartition } from "./topology-metadata.js";

/**
 * The overlay's pending writes become the changelog records of this commit: one per
 * key, the last value, in the layout Kafka Streams logs the store with.
 */
export function addChangelogRecords(
  changelogs: readonly ChangelogPartition[],
  overlay: TaskOverlay,
  partition: number,
  streamTime: number,
  add: (record: ProducedRecord) => void,
): void {
  for (const changelog of changelogs) {
    // A source topic that is the store's changelog already holds what the store was fed.
    if (changelog.sourceTopic === true) continue;
    const pending = overlay.store(changelog.store);
    if (pending.pendingCount === 0) continue;
    const { topic, format } = changelog;
    // A window store's expired segments, dropped as Kafka Streams drops them, are not logged:
    // they are not pending writes (OverlayBytesStore.dropNow).
    pending.forEachPending((key, value) => {
      if (format.identity && !format.headers) {
        add({ topic, partition, key, value, timestamp: streamTime });
        return;
      }
      const entry = format.toChangelog(key, value, streamTime);
      // A write the store does not log (a versioned store sweeping out expired versions).
      if (entry === undefined) return;
      // No timestamp of its own: stamped now, as Kafka's producer stamps a record sent without one.
      const timestamp = entry.timestamp ?? Date.now();
      add(
        entry.headers === undefined
          ? { topic, partition, key: entry.key, value: entry.value, timestamp }
          : {
              topic,
              partition,
              key: entry.key,
              value: entry.value,
              timestamp,
              headers: entry.headers,
            },
      );
    });
  }
}

/**
 * Per changelog partition written, the offset after the last record written: a restore
 * resumes there. A source topic that is a changelog is checkpointed at the input offset
 * committed with the store's writes (`committed`), as Kafka Streams checkpoints it at the
 * consumed offset.
 */
export function checkpointOf(
  produced: readonly ProducedOffsets[],
  changelogTopics: ReadonlySet<string>,
  committed: readonly TopicPartitionOffset[] = [],
  sourceChangelogTopics: ReadonlySet<string> = new Set(),
): Map<string, number> {
  const checkpoint = new Map<string, number>();
  for (const c of committed) {
    if (sourceChangelogTopics.has(c.topic)) checkpoint.set(changelogPartition(c.topic, c.partition), c.offset);
  }
  for (const p of produced) {
    if (!changelogTopics.has(p.topic) || sourceChangelogTopics.has(p.topic)) continue;
    const key = changelogPartition(p.topic, p.partition);
    checkpoint.set(key, Math.max(checkpoint.get(key) ?? 0, p.lastOffset + 1));
  }
  return checkpoint;
}
