// OffsetDelete (KIP-496): removes a group's committed offsets for some partitions, refused
// for topics the group's members still subscribe to.
import { Api } from "../protocol/apis.js";
import { defineHandler, type BrokerContext } from "./handler.js";

export function offsetDeleteHandler(broker: BrokerContext) {
  return defineHandler(Api.offsetDelete, (request) => {
    const partitions = request.topics.flatMap((t) =>
      t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex })),
    );
    const { errorCode, partitionErrors } = broker.groups.deleteOffsets(
      request.groupId,
      partitions,
      (topic, partition) => broker.topics.partition(topic, partition) !== undefined,
    );
    let next = 0;
    return {
      errorCode,
      throttleTimeMs: 0,
      topics:
        errorCode === 0
          ? request.topics.map((t) => ({
              name: t.name,
              partitions: t.partitions.map((p) => ({
                partitionIndex: p.partitionIndex,
                errorCode: partitionErrors[next++]!,
              })),
            }))
          : [],
    };
  });
}
