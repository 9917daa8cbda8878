// AddPartitionsToTxn: partitions join the producer's ongoing transaction (starting it). As
// in Kafka, a partition of an unknown topic fails with UNKNOWN_TOPIC_OR_PARTITION and the
// others of the request with OPERATION_NOT_ATTEMPTED; otherwise every partition gets the
// coordinator's answer.
import { Api } from "../protocol/apis.js";
import { ErrorCode } from "../protocol/error-codes.js";
import { defineHandler, type BrokerContext } from "./handler.js";

export function addPartitionsToTxnHandler(broker: BrokerContext) {
  return defineHandler(Api.addPartitionsToTxn, (request) => {
    const unknown = new Set<string>();
    for (const topic of request.topics) {
      for (const partition of topic.partitions) {
        if (!broker.topics.partition(topic.name, partition)) unknown.add(`${topic.name}\u0000${partition}`);
      }
    }
    let code: number;
    if (unknown.size > 0) {
      code = ErrorCode.OPERATION_NOT_ATTEMPTED;
    } else {
      const partitions = request.topics.flatMap((t) => t.partitions.map((partition) => ({ topic: t.name, partition })));
      code = broker.transactions.addPartitions(
        request.transactionalId,
        request.producerId,
        request.producerEpoch,
        partitions,
      );
    }
    return {
      throttleTimeMs: 0,
      results: request.topics.map((topic) => ({
        name: topic.name,
        results: topic.partitions.map((partitionIndex) => ({
          partitionIndex,
          partitionErrorCode: unknown.has(`${topic.name}\u0000${partitionIndex}`)
            ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
            : code,
        })),
      })),
    };
  });
}
