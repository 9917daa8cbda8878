// The topic configuration a partition log obeys, parsed from the topic's effective configs
// (topics/topic-config.ts). Fields for retention and compaction are read by part 2's
// cleaner and retention task.

export interface LogConfig {
  readonly cleanupPolicy: { readonly delete: boolean; readonly compact: boolean };
  readonly retentionMs: number;
  readonly retentionBytes: number;
  readonly segmentBytes: number;
  readonly segmentMs: number;
  readonly deleteRetentionMs: number;
  readonly minCompactionLagMs: number;
  readonly maxCompactionLagMs: number;
  readonly minCleanableDirtyRatio: number;
  readonly maxMessageBytes: number;
  readonly minInsyncReplicas: number;
  readonly messageTimestampType: "CreateTime" | "LogAppendTime";
  /** How far a CreateTime record may lie in the past / future (message.timestamp.before/after.max.ms). */
  readonly messageTimestampBeforeMaxMs: number;
  readonly messageTimestampAfterMaxMs: number;
  readonly compressionType: string;
}
