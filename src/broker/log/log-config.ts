// The topic configuration a partition log obeys, parsed from the topic's effective configs
// (topics/topic-config.ts). The cleaner (log-cleaner.ts), retention (log-retention.ts) and
// the flush policy read their settings from here.

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
  /** fsync after this many messages (flush.messages; effectively never by default, as in Kafka). */
  readonly flushMessages: number;
  /** fsync when the oldest unflushed message is this old (flush.ms; never by default). */
  readonly flushMs: number;
}

/** Kafka's default max.message.bytes (message.max.bytes). */
export const DEFAULT_MAX_MESSAGE_BYTES = 1048588;

/**
 * How far the broker decompresses a stored batch (the cleaner, ListOffsets): produced batches
 * were checked to decompress within max.message.bytes, which may have been lowered since, so
 * the limit never drops below Kafka's default. A batch over it is kept unopened.
 */
export function storedDecompressionLimit(config: LogConfig): number {
  return Math.max(config.maxMessageBytes, DEFAULT_MAX_MESSAGE_BYTES);
}
