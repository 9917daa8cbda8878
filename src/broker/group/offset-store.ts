// Where committed offsets are persisted: Kafka appends them to the compacted
// __consumer_offsets topic; a data directory appends them to a journal (storage/). Every
// change to a group's offsets is reported here before the client is answered, and replayed
// into the same CommittedOffsets methods at startup.
import type { CommittedOffset } from "./committed-offsets.js";

export type OffsetChange =
  | { op: "commit"; groupId: string; topic: string; partition: number; offset: CommittedOffset }
  | { op: "pending"; groupId: string; producerId: number; topic: string; partition: number; offset: CommittedOffset }
  | { op: "end-txn"; groupId: string; producerId: number; commit: boolean }
  | { op: "remove-topic"; groupId: string; topic: string }
  | { op: "delete-offset"; groupId: string; topic: string; partition: number }
  | { op: "delete-group"; groupId: string };

export interface OffsetStore {
  write(change: OffsetChange): void;
}

export const memoryOffsetStore: OffsetStore = { write: () => undefined };
