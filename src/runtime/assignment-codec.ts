// What travels in the consumer group protocol's user data, in both directions:
//   - SubscriptionInfo (JoinGroup, member -> leader): the member's application.server and
//     the tasks it has state for with their changelog offset sums;
//   - AssignmentInfo (SyncGroup, leader -> each member): its active and standby tasks, the
//     full host -> tasks map that query routing uses, and an error code when the leader
//     could not assign (all members then stop with that error, as in Kafka Streams).
// Both are versioned binary (big-endian, int16-length UTF-8 strings), like Kafka
// Streams' SubscriptionInfo/AssignmentInfo, so that the format can evolve.
import { RUNNING_ACTIVE_OFFSET_SUM } from "./assignor.js";
import type { HostTasks } from "./assignor.js";
import { ByteReader } from "../bytes/byte-reader.js";
import { ByteWriter } from "../bytes/byte-writer.js";
import { MalformedFrameError } from "../bytes/errors.js";
import type { TaskId } from "../engine/task-id.js";

export const SUBSCRIPTION_VERSION = 1;
export const ASSIGNMENT_VERSION = 1;

export interface SubscriptionInfo {
  applicationServer?: string;
  /** Checkpointed changelog offset sums per task, or RUNNING_ACTIVE_OFFSET_SUM for running actives. */
  taskOffsetSums: Map<TaskId, number>;
}

export const AssignmentErrorCode = {
  NONE: 0,
  /** A source topic is missing or sub-topology sources are not co-partitioned. */
  INCOMPLETE_SOURCE_TOPIC_METADATA: 1,
  /** A member reported a protocol version the leader does not know. */
  UNSUPPORTED_VERSION: 2,
} as const;
export type AssignmentErrorCode = (typeof AssignmentErrorCode)[keyof typeof AssignmentErrorCode];

export interface AssignmentInfo {
  active: TaskId[];
  standby: TaskId[];
  hostMap: Map<string, HostTasks>;
  errorCode: AssignmentErrorCode;
  errorMessage: string;
}

export class AssignmentCodecError extends Error {}

/** The int16-length strings of the group protocol's user data; refuses what Kafka Streams could not read. */
function writeString(w: ByteWriter, s: string): void {
  const size = Buffer.byteLength(s, "utf8");
  if (size > 0x7fff) throw new AssignmentCodecError(`string of ${size} bytes is too long`);
  w.int16(size);
  w.string(s, size);
}

function writeStrings(w: ByteWriter, list: readonly string[]): void {
  w.int32(list.length);
  for (const s of list) writeString(w, s);
}

function readString(r: ByteReader): string {
  const length = r.int16();
  if (length < 0) throw new AssignmentCodecError("negative string length");
  return r.string(length);
}

function readCount(r: ByteReader): number {
  const n = r.int32();
  if (n < 0 || n > r.remaining) throw new AssignmentCodecError(`implausible array length ${n}`);
  return n;
}

function readStrings(r: ByteReader): string[] {
  const n = readCount(r);
  const list: string[] = [];
  for (let i = 0; i < n; i += 1) list.push(readString(r));
  return list;
}

/** Runs a decoder; bytes that end early are an AssignmentCodecError like any other bad user data. */
function decoding<T>(bytes: Buffer, decode: (r: ByteReader) => T): T {
  try {
    return decode(new ByteReader(bytes, 0, bytes.length, "user data"));
  } catch (error) {
    if (error instanceof MalformedFrameError) {
      throw new AssignmentCodecError(`truncated group protocol user data: ${error.message}`);
    }
    throw error;
  }
}

export function encodeSubscriptionInfo(info: SubscriptionInfo): Buffer {
  const w = new ByteWriter(256);
  w.int16(SUBSCRIPTION_VERSION);
  writeString(w, info.applicationServer ?? "");
  w.int32(info.taskOffsetSums.size);
  for (const [task, sum] of info.taskOffsetSums) {
    writeString(w, task);
    w.int64(sum);
  }
  return w.toBuffer();
}

export function decodeSubscriptionInfo(bytes: Buffer): SubscriptionInfo {
  return decoding(bytes, readSubscriptionInfo);
}

function readSubscriptionInfo(r: ByteReader): SubscriptionInfo {
  const version = r.int16();
  if (version !== SUBSCRIPTION_VERSION) {
    throw new AssignmentCodecError(
      `unsupported subscription version ${version} (this member knows ${SUBSCRIPTION_VERSION})`,
    );
  }
  const server = readString(r);
  const taskOffsetSums = new Map<TaskId, number>();
  const n = readCount(r);
  for (let i = 0; i < n; i += 1) {
    const task = readString(r);
    const sum = r.int64();
    if (sum < 0 && sum !== RUNNING_ACTIVE_OFFSET_SUM)
      throw new AssignmentCodecError(`bad offset sum ${sum} for task ${task}`);
    taskOffsetSums.set(task, sum);
  }
  return server === "" ? { taskOffsetSums } : { applicationServer: server, taskOffsetSums };
}

export function encodeAssignmentInfo(info: AssignmentInfo): Buffer {
  const w = new ByteWriter(256);
  w.int16(ASSIGNMENT_VERSION);
  w.int16(info.errorCode);
  writeString(w, info.errorMessage);
  writeStrings(w, info.active);
  writeStrings(w, info.standby);
  w.int32(info.hostMap.size);
  for (const [host, tasks] of info.hostMap) {
    writeString(w, host);
    writeStrings(w, tasks.active);
    writeStrings(w, tasks.standby);
  }
  return w.toBuffer();
}

export function decodeAssignmentInfo(bytes: Buffer): AssignmentInfo {
  return decoding(bytes, readAssignmentInfo);
}

function readAssignmentInfo(r: ByteReader): AssignmentInfo {
  const version = r.int16();
  if (version !== ASSIGNMENT_VERSION) {
    throw new AssignmentCodecError(
      `unsupported assignment version ${version} (this member knows ${ASSIGNMENT_VERSION})`,
    );
  }
  const errorCode = r.int16();
  if (!(Object.values(AssignmentErrorCode) as number[]).includes(errorCode)) {
    throw new AssignmentCodecError(`unknown assignment error code ${errorCode}`);
  }
  const errorMessage = readString(r);
  const active = readStrings(r);
  const standby = readStrings(r);
  const hostMap = new Map<string, HostTasks>();
  const hosts = readCount(r);
  for (let i = 0; i < hosts; i += 1) {
    const host = readString(r);
    hostMap.set(host, { active: readStrings(r), standby: readStrings(r) });
  }
  return { active, standby, hostMap, errorCode: errorCode as AssignmentErrorCode, errorMessage };
}
