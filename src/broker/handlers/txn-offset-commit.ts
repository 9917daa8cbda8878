// TxnOffsetCommit: offsets committed inside a transaction. The producer must be the current
// one of its transactional id (an older epoch is fenced with INVALID_PRODUCER_EPOCH) and
// have added the group with AddOffsetsToTxn; the offsets then wait in the group until the
// transaction ends. v2's committed leader epoch is kept; the KIP-447 generation check (v3)
// is not part of the advertised versions.
import { Api } from "../protocol/apis.js";
import { ErrorCode } from "../protocol/error-codes.js";
import { defineHandler, type BrokerContext } from "./handler.js";

export function txnOffsetCommitHandler(broker: BrokerContext) {
  return defineHandler(Api.txnOffsetCommit, (request) => {
    const refused = broker.transactions.verifyOffsetCommit(request.transactionalId, request.producerId, request.producerEpoch, request.groupId);
    let codes: number[];
    const offsets = request.topics.flatMap((topic) =>
      topic.partitions.map((p) => ({
        topic: topic.name,
        partition: p.partitionIndex,
        offset: p.committedOffset,
        leaderEpoch: p.committedLeaderEpoch,
        metadata: p.committedMetadata ?? "",
      })),
    );
    if (refused !== ErrorCode.NONE) {
      codes = offsets.map(() => refused);
    } else {
      codes = broker.groups.commitTxnOffsets(
        { groupId: request.groupId, producerId: request.producerId, offsets },
        (topic, partition) => broker.topics.partition(topic, partition) !== undefined,
      );
    }
    let next = 0;
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((topic) => ({
        name: topic.name,
        partitions: topic.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: codes[next++]! })),
      })),
    };
  });
}
