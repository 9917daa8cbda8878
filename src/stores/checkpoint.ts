// A task's checkpoint: for each changelog partition of its stores, the offset to resume
// restoring from (the offset after the last record already in local state). Kept in
// the task's own database and written in the same atomic batch as the state it
// describes, so state and checkpoint can never disagree after a crash.
import { InvalidCheckpointError } from "./errors.js";

/** Changelog partition, as "topic:partition" (see changelogPartition()), -> next offset to restore from. */
export type Checkpoint = ReadonlyMap<string, number>;

// Kafka topic names: [a-zA-Z0-9._-]+, so the last ":" separates the partition.
const CHANGELOG_PARTITION = /^([A-Za-z0-9._-]{1,249}):(\d{1,10})$/;

export function changelogPartition(topic: string, partition: number): string {
  const key = `${topic}:${partition}`;
  parseChangelogPartition(key);
  return key;
}

export function parseChangelogPartition(key: string): { topic: string; partition: number } {
  const match = CHANGELOG_PARTITION.exec(key);
  const partition = match === null ? Number.NaN : Number(match[2]);
  if (match === null || partition > 0x7fffffff) {
    throw new InvalidCheckpointError(
      `Invalid changelog partition ${JSON.stringify(key)}: expected "<topic>:<partition>"`,
    );
  }
  return { topic: match[1] as string, partition };
}

export function validateCheckpoint(checkpoint: Checkpoint): void {
  for (const [key, offset] of checkpoint) {
    parseChangelogPartition(key);
    if (!Number.isSafeInteger(offset) || offset < 0) {
      throw new InvalidCheckpointError(
        `Invalid checkpoint offset ${offset} for ${key}: expected a non-negative integer`,
      );
    }
  }
}
