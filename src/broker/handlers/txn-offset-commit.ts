// TxnOffsetCommit: offsets committed inside a transaction. The producer must be the current
// one of its transactional id (an older epoch is fenced with INVALID_PRODUCER_EPOCH) and
// have added the group with AddOffsetsToTxn; the offsets then wait in the group until the
// transaction ends. v2's committed leader epoch is kept; the KIP-447 generation check (v3)
// is not part of the advertised versions.
import { Api } from "../protocol/apis.js";
import { ErrorCode } from "../protocol/error-codes.js";
import { defineHandler, type BrokerContext } from "./handler.js";
import { offsetEntries, partitionExists, perPartitionCodes } from "./offset-commit-entries.js";

export function txnOffsetCommitHandler(broker: BrokerContext) {
  return defineHandler(Api.txnOffsetCommit, (request) => {
    const refused = broker.transactions.verifyOffsetCommit(
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
