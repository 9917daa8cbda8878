// Fetch: serves stored batches as they are (slices of the log, never re-encoded), within
// the response's max_bytes and each partition's max bytes, always at least one whole batch
// for the first partition with data (KIP-74). When less than min_bytes is available the
// request waits in the purgatory until appends bring enough, or max_wait_ms passes.
//
// read_committed (isolation level 1) reads up to the last stable offset only: kafkajs ignores
// the response's last_stable_offset, so data at or past it must never be sent. The aborted
// transactions with data in the returned range are listed for the client to filter (see
// PartitionLog.abortedTransactionsForFetch for the form of the list). Appends that are not
// yet readable (an open transaction's data) do not end the wait.
//
// Fetch sessions (KIP-227) are declined: a request asking for one gets session id 0, which
// tells the client to keep sending full fetch requests.
import type { PartitionLog } from "../log/partition-log.js";
import { LEADER_EPOCH } from "../log/partition-log.js";
import { Api } from "../protocol/apis.js";
import { ErrorCode } from "../protocol/error-codes.js";
import type { RequestOf, ResponseOf } from "../protocol/schema.js";
import { defineHandler, type BrokerContext } from "./handler.js";

type FetchRequest = RequestOf<typeof Api.fetch.spec>;
type FetchResponse = ResponseOf<typeof Api.fetch.spec>;
type TopicResponse = NonNullable<FetchResponse["responses"]>[number];
type PartitionResponse = NonNullable<TopicResponse["partitions"]>[number];

const READ_COMMITTED = 1;
const EMPTY = Buffer.alloc(0);

interface ReadPass {
  responses: TopicResponse[];
  bytes: number;
  hasError: boolean;
  logs: PartitionLog[];
}

/** A partition that failed: Kafka answers no offsets with an error, not even the log's own. */
function partitionError(partitionIndex: number, errorCode: number): PartitionResponse {
  return {
    partitionIndex,
    errorCode,
    highWatermark: -1,
    lastStableOffset: -1,
    logStartOffset: -1,
    abortedTransactions: null,
    preferredReadReplica: -1,
    records: EMPTY,
  };
}

function readAll(broker: BrokerContext, request: FetchRequest): ReadPass {
  const readCommitted = request.isolationLevel === READ_COMMITTED;
  let remaining = request.maxBytes;
  let minOneBatch = true;
  let bytes = 0;
  let hasError = false;
  const logs: PartitionLog[] = [];
  const responses = request.topics.map((topic) => ({
    topic: topic.topic,
    partitions: topic.partitions.map((p): PartitionResponse => {
      const log = broker.topics.partition(topic.topic, p.partition);
      if (!log) {
        hasError = true;
        return partitionError(p.partition, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      }
      if (p.currentLeaderEpoch >= 0 && p.currentLeaderEpoch !== LEADER_EPOCH) {
        hasError = true;
        const code =
          p.currentLeaderEpoch < LEADER_EPOCH ? ErrorCode.FENCED_LEADER_EPOCH : ErrorCode.UNKNOWN_LEADER_EPOCH;
        return partitionError(p.partition, code);
      }
      if (p.fetchOffset < log.logStartOffset || p.fetchOffset > log.logEndOffset) {
        hasError = true;
        return partitionError(p.partition, ErrorCode.OFFSET_OUT_OF_RANGE);
      }
      logs.push(log);
      const upperBound = readCommitted ? log.lastStableOffset : log.highWatermark;
      const limit = Math.max(0, Math.min(p.partitionMaxBytes, remaining));
      const read = log.read(p.fetchOffset, upperBound, limit, minOneBatch);
      if (read.bytes > 0) {
        minOneBatch = false;
        remaining -= read.bytes;
        bytes += read.bytes;
      }
      return {
        partitionIndex: p.partition,
        errorCode: ErrorCode.NONE,
        highWatermark: log.highWatermark,
        lastStableOffset: log.lastStableOffset,
        logStartOffset: log.logStartOffset,
        abortedTransactions: readCommitted ? log.abortedTransactionsForFetch(p.fetchOffset, read.nextOffset) : null,
        preferredReadReplica: -1,
        records: read.records.length === 0 ? EMPTY : read.records,
      };
    }),
  }));
  return { responses, bytes, hasError, logs };
}

export function fetchHandler(broker: BrokerContext) {
  return defineHandler(Api.fetch, async (request): Promise<FetchResponse> => {
    if (request.sessionId !== 0) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND, sessionId: 0, responses: [] };
    }
    if (request.sessionEpoch > 0) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_FETCH_SESSION_EPOCH, sessionId: 0, responses: [] };
    }
    let pass = readAll(broker, request);
    const deadline = Date.now() + request.maxWaitMs;
    for (;;) {
      const remainingMs = deadline - Date.now();
      const mustWait = remainingMs > 0 && pass.bytes < request.minBytes && !pass.hasError && pass.logs.length > 0;
      if (!mustWait) break;
      await broker.fetchPurgatory.wait(pass.logs, request.minBytes - pass.bytes, remainingMs);
      pass = readAll(broker, request);
      if (broker.fetchPurgatory.isClosed || pass.logs.some((log) => log.isDeleted)) break;
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses: pass.responses };
  });
}
