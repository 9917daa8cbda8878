// EndTxn: commits or aborts the producer's ongoing transaction. The markers are in every
// partition of the transaction, and its group offsets committed or dropped, when this answers.
// v5 (transactions v2) bumps the producer epoch and answers the new id and epoch. A stale
// epoch is PRODUCER_FENCED from v2 on, INVALID_PRODUCER_EPOCH before (as Kafka maps it).
import { Api } from "../protocol/apis.js";
import { ErrorCode } from "../protocol/error-codes.js";
import { defineHandler, type BrokerContext } from "./handler.js";

export function endTxnHandler(broker: BrokerContext) {
  return defineHandler(Api.endTxn, (request, { header }) => {
    const { errorCode, producerId, producerEpoch } = broker.transactions.endTransaction(
      request.transactionalId,
      request.producerId,
      request.producerEpoch,
      request.committed,
      header.apiVersion >= 5,
      header.apiVersion >= 2 ? ErrorCode.PRODUCER_FENCED : ErrorCode.INVALID_PRODUCER_EPOCH,
    );
    if (errorCode !== ErrorCode.NONE) {
      broker.logger.info(
        {
          transactionalId: request.transactionalId,
          producerId: request.producerId,
          producerEpoch: request.producerEpoch,
          errorCode,
          clientId: header.clientId,
        },
        "EndTxn refused",
      );
    }
    return { throttleTimeMs: 0, errorCode, producerId, producerEpoch };
  });
}
