// InitProducerId: a producer id for an idempotent producer (no transactional id), or the
// transactional id's producer id with its epoch bumped, which fences every older producer of
// that id. An ongoing transaction of the previous producer is aborted first and the client
// is told CONCURRENT_TRANSACTIONS, so it retries (transaction-coordinator.ts).
import { Api } from "../protocol/apis.js";
import { ErrorCode } from "../protocol/error-codes.js";
import { defineHandler, type BrokerContext } from "./handler.js";

export function initProducerIdHandler(broker: BrokerContext) {
  return defineHandler(Api.initProducerId, (request, { header }) => {
    const result = broker.transactions.initProducerId(request.transactionalId, request.transactionTimeoutMs);
    const fields = { transactionalId: request.transactionalId, ...result, clientId: header.clientId };
    if (result.errorCode !== ErrorCode.NONE && result.errorCode !== ErrorCode.CONCURRENT_TRANSACTIONS) {
      broker.logger.info(fields, "InitProducerId refused");
    } else {
      broker.logger.debug(fields, "InitProducerId");
    }
    return { throttleTimeMs: 0, ...result };
  });
}
