// EndTxn: commits or aborts the producer's ongoing transaction. The markers are in every
// partition of the transaction, and its group offsets committed or dropped, when this answers.
import { Api } from "../protocol/apis.js";
import { ErrorCode } from "../protocol/error-codes.js";
import { defineHandler, type BrokerContext } from "./handler.js";

export function endTxnHandler(broker: BrokerContext) {
  return defineHandler(Api.endTxn, (request, { header }) => {
    const errorCode = broker.transactions.endTransaction(
      request.transactionalId,
      request.producerId,
      request.producerEpoch,
      request.committed,
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
    return { throttleTimeMs: 0, errorCode };
  });
}
