// CreatePartitions: grows a topic to `count` partitions in total; never shrinks it.
import { Api } from "../protocol/apis.js";
import { ErrorCode } from "../protocol/error-codes.js";
import { storageError, TopicError } from "../topics/topic-registry.js";
import { defineHandler, type BrokerContext } from "./handler.js";

export function createPartitionsHandler(broker: BrokerContext) {
  return defineHandler(Api.createPartitions, (request) => {
    const counts = new Map<string, number>();
    for (const t of request.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    const results = request.topics.map((t) => {
      const fail = (errorCode: number, errorMessage: string) => ({ name: t.name, errorCode, errorMessage });
      if (counts.get(t.name)! > 1) return fail(ErrorCode.INVALID_REQUEST, `Duplicate topic in request: ${t.name}`);
      const topic = broker.topics.get(t.name);
      if (!topic) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${t.name}' does not exist.`);
      const current = topic.partitions.length;
      if (t.count < current) {
        return fail(
          ErrorCode.INVALID_PARTITIONS,
          `Topic currently has ${current} partitions, which is higher than the requested ${t.count}.`,
        );
      }
      if (t.count === current) return fail(ErrorCode.INVALID_PARTITIONS, `Topic already has ${current} partitions.`);
      if (t.assignments !== null) {
        if (t.assignments.length !== t.count - current) {
          return fail(
            ErrorCode.INVALID_REPLICA_ASSIGNMENT,
            `Increasing the number of partitions by ${t.count - current} but ${t.assignments.length} assignments provided.`,
          );
        }
        try {
          for (const assignment of t.assignments) broker.topics.checkReplicas(assignment.brokerIds);
        } catch (error) {
          if (error instanceof TopicError) return fail(error.errorCode, error.message);
          throw error;
        }
      }
      try {
        broker.topics.checkStorage(t.name, current, t.count);
        if (!request.validateOnly) topic.addPartitions(t.count);
      } catch (error) {
        const refusal = error instanceof TopicError ? error : storageError(`cannot add partitions to ${t.name}`, error);
        broker.logger.error({ topic: t.name, partitions: t.count }, refusal.message);
        return fail(refusal.errorCode, refusal.message);
      }
      if (!request.validateOnly) broker.logger.info({ topic: t.name, partitions: t.count }, "added partitions");
      return { name: t.name, errorCode: ErrorCode.NONE, errorMessage: null };
    });
    return { throttleTimeMs: 0, results };
  });
}
