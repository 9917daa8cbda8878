// TxnOffsetCommit: offsets committed inside a transaction. The producer must be the current
// one of its transactional id (an older epoch is fenced with INVALID_PRODUCER_EPOCH) and
// have added the group with AddOffsetsToTxn (from v5, transactions v2, the request adds it
// itself); the offsets then wait in the group until the transaction ends. v2's committed
// leader epoch is kept; v3's generation and member are checked by the group (KIP-447).
import { Api } from "../protocol/apis.js";
import { ErrorCode } from "../protocol/error-codes.js";
import { defineHandler, type BrokerContext } from "./handler.js";
import { offsetEntries, partitionExists, perPartitionCodes } from "./offset-commit-entries.js";

/** The first TxnOffsetCommit version that adds the group to the transaction itself (KIP-890). */
const TRANSACTIONS_V2_TXN_OFFSET_COMMIT = 5;

export function txnOffsetCommitHandler(broker: BrokerContext) {
  return defineHandler(Api.txnOffsetCommit, (request, { header }) => {
    const added =
      header.apiVersion >= TRANSACTIONS_V2_TXN_OFFSET_COMMIT
        ? broker.transactions.addImplicitly(request.transactionalId, request.producerId, request.producerEpoch, {
            groupId: request.groupId,
          })
        : ErrorCode.NONE;
    const refused =
      added !== ErrorCode.NONE
        ? added
        : broker.transactions.verifyOffsetCommit(
            request.transactionalId,
            request.producerId,
            request.producerEpoch,
            request.groupId,
          );
    const offsets = offsetEntries(request.topics);
    const codes =
      refused !== ErrorCode.NONE
        ? offsets.map(() => refused)
        : broker.groups.commitTxnOffsets(
            {
              groupId: request.groupId,
              producerId: request.producerId,
              generationId: request.generationId,
              memberId: request.memberId,
              groupInstanceId: request.groupInstanceId,
              offsets,
            },
            partitionExists(broker),
          );
    return { throttleTimeMs: 0, topics: perPartitionCodes(request.topics, codes) };
  });
}
