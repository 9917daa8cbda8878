// Retention of one cleanup.policy=delete partition, as Kafka's log retention does it: whole
// segments go from the oldest on, never a part of one. retention.ms deletes a segment whose
// newest record is older than that; retention.bytes deletes the oldest segments while the log
// stays at least that large without them. The active segment is only deleted (after a new
// one is rolled) when it qualifies too. The log start offset moves to the first segment left.
import type { PartitionLog } from "./partition-log.js";

export interface RetentionResult {
  byTime: number;
  bySize: number;
}

export function applyRetention(log: PartitionLog, now: number): RetentionResult {
  const config = log.config;
  const result: RetentionResult = { byTime: 0, bySize: 0 };
  if (!config.cleanupPolicy.delete) return result;
  if (config.retentionMs >= 0) {
    result.byTime = log.deleteOldestSegments((segment) => now - segment.maxTimestamp > config.retentionMs);
  }
  if (config.retentionBytes >= 0) {
    let excess = log.size - config.retentionBytes;
    result.bySize = log.deleteOldestSegments((segment) => {
      if (excess - segment.size < 0) return false;
      excess -= segment.size;
      return true;
    });
  }
  return result;
}
