// AddOffsetsToTxn: a consumer group joins the producer's ongoing transaction, so that its
// TxnOffsetCommit offsets are committed or dropped with it. (Kafka adds the group's
// __consumer_offsets partition; here the group itself is the unit.)
import { Api } from "../protocol/apis.js";
import { defineHandler, type BrokerContext } from "./handler.js";

export function addOffsetsToTxnHandler(broker: BrokerContext) {
  return defineHandler(Api.addOffsetsToTxn, (request) => ({
    throttleTimeMs: 0,
    errorCode: broker.transactions.addOffsets(
      request.transactionalId,
      request.producerId,
      request.producerEpoch,
      request.groupId,
    ),
  }));
}
