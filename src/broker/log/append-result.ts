// What an append to a partition's log answers (Produce's per-partition response), and
// what tells a failed write of the data directory from a bug.
import { ErrorCode } from "../protocol/error-codes.js";

export interface AppendResult {
  /** 0, or the Kafka error that refused the batch (then the offsets are -1). */
  errorCode: ErrorCode;
  errorMessage: string | null;
  baseOffset: number;
  lastOffset: number;
  /** The broker's timestamp on LogAppendTime topics, else -1. */
  logAppendTime: number;
  /** The batch was a retry of one already in the log: nothing was appended. */
  duplicate: boolean;
}

export function failure(errorCode: ErrorCode, errorMessage: string): AppendResult {
  return { errorCode, errorMessage, baseOffset: -1, lastOffset: -1, logAppendTime: -1, duplicate: false };
}

export function success(
  baseOffset: number,
  lastOffset: number,
  logAppendTime: number,
  duplicate: boolean,
): AppendResult {
  return { errorCode: ErrorCode.NONE, errorMessage: null, baseOffset, lastOffset, logAppendTime, duplicate };
}

/** An error of the file system (it has a syscall), as opposed to a bug. */
export function isStorageError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).syscall === "string";
}
