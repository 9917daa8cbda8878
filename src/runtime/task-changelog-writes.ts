// What a task's commit writes to its changelogs, and the checkpoint that follows from
// what the broker acknowledged [ProcessorStateManager.checkpoint].
import type { ProducedOffsets, ProducedRecord } from "../kafka/types.js";
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

/** Per changelog partition written, the offset after the last record written: a restore resumes there. */
export function checkpointOf(
  produced: readonly ProducedOffsets[],
  changelogTopics: ReadonlySet<string>,
): Map<string, number> {
  const checkpoint = new Map<string, number>();
  for (const p of produced) {
    if (!changelogTopics.has(p.topic)) continue;
    const key = changelogPartition(p.topic, p.partition);
    checkpoint.set(key, Math.max(checkpoint.get(key) ?? 0, p.lastOffset + 1));
  }
  return checkpoint;
}
