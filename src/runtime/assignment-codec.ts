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

class Writer {
  private readonly chunks: Buffer[] = [];

  int16(n: number): this {
    const b = Buffer.allocUnsafe(2);
    b.writeInt16BE(n);
    this.chunks.push(b);
    return this;
  }

  int32(n: number): this {
    const b = Buffer.allocUnsafe(4);
    b.writeInt32BE(n);
    this.chunks.push(b);
    return this;
  }

  int64(n: number): this {
    const b = Buffer.allocUnsafe(8);
    b.writeBigInt64BE(BigInt(n));
    this.chunks.push(b);
    return this;
  }

  string(s: string): this {
    const bytes = Buffer.from(s, "utf8");
    if (bytes.length > 0x7fff) throw new AssignmentCodecError(`string of ${bytes.length} bytes is too long`);
    this.int16(bytes.length);
    this.chunks.push(bytes);
    return this;
  }

  strings(list: readonly string[]): this {
    this.int32(list.length);
    for (const s of list) this.string(s);
    return this;
  }

  build(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

class Reader {
  private offset = 0;

  constructor(private readonly buffer: Buffer) {}

  private need(bytes: number): void {
    if (this.offset + bytes > this.buffer.length) throw new AssignmentCodecError("truncated group protocol user data");
  }

  int16(): number {
    this.need(2);
    const n = this.buffer.readInt16BE(this.offset);
    this.offset += 2;
    return n;
  }

  int32(): number {
    this.need(4);
    const n = this.buffer.readInt32BE(this.offset);
    this.offset += 4;
    return n;
  }

  int64(): number {
    this.need(8);
    const n = this.buffer.readBigInt64BE(this.offset);
    this.offset += 8;
    return Number(n);
  }

  string(): string {
    const length = this.int16();
    if (length < 0) throw new AssignmentCodecError("negative string length");
    this.need(length);
    const s = this.buffer.toString("utf8", this.offset, this.offset + length);
    this.offset += length;
    return s;
  }

  count(): number {
    const n = this.int32();
    if (n < 0 || n > this.buffer.length) throw new AssignmentCodecError(`implausible array length ${n}`);
    return n;
  }

  strings(): string[] {
    const n = this.count();
    const list: string[] = [];
    for (let i = 0; i < n; i += 1) list.push(this.string());
    return list;
  }
}

export function encodeSubscriptionInfo(info: SubscriptionInfo): Buffer {
  const w = new Writer().int16(SUBSCRIPTION_VERSION).string(info.applicationServer ?? "");
  w.int32(info.taskOffsetSums.size);
  for (const [task, sum] of info.taskOffsetSums) w.string(task).int64(sum);
  return w.build();
}

export function decodeSubscriptionInfo(bytes: Buffer): SubscriptionInfo {
  const r = new Reader(bytes);
  const version = r.int16();
  if (version !== SUBSCRIPTION_VERSION) {
    throw new AssignmentCodecError(
      `unsupported subscription version ${version} (this member knows ${SUBSCRIPTION_VERSION})`,
    );
  }
  const server = r.string();
  const taskOffsetSums = new Map<TaskId, number>();
  const n = r.count();
  for (let i = 0; i < n; i += 1) {
    const task = r.string();
    const sum = r.int64();
    if (sum < 0 && sum !== RUNNING_ACTIVE_OFFSET_SUM)
      throw new AssignmentCodecError(`bad offset sum ${sum} for task ${task}`);
    taskOffsetSums.set(task, sum);
  }
  return server === "" ? { taskOffsetSums } : { applicationServer: server, taskOffsetSums };
}

export function encodeAssignmentInfo(info: AssignmentInfo): Buffer {
  const w = new Writer()
    .int16(ASSIGNMENT_VERSION)
    .int16(info.errorCode)
    .string(info.errorMessage)
    .strings(info.active)
    .strings(info.standby);
  w.int32(info.hostMap.size);
  for (const [host, tasks] of info.hostMap) w.string(host).strings(tasks.active).strings(tasks.standby);
  return w.build();
}

export function decodeAssignmentInfo(bytes: Buffer): AssignmentInfo {
  const r = new Reader(bytes);
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
  const errorMessage = r.string();
  const active = r.strings();
  const standby = r.strings();
  const hostMap = new Map<string, HostTasks>();
  const hosts = r.count();
  for (let i = 0; i < hosts; i += 1) {
    const host = r.string();
    hostMap.set(host, { active: r.strings(), standby: r.strings() });
  }
  return { active, standby, hostMap, errorCode: errorCode as AssignmentErrorCode, errorMessage };
}
