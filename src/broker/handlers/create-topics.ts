// CreateTopics: each topic is checked on its own (name, partitions, replication factor,
// assignment, configs) and created unless validate_only; a topic named twice in one
// request is refused for every mention, as Kafka does.
import { Api } from "../protocol/apis.js";
import { ErrorCode } from "../protocol/error-codes.js";
import { TopicError } from "../topics/topic-registry.js";
import { defineHandler, type BrokerContext } from "./handler.js";

export function createTopicsHandler(broker: BrokerContext) {
  return defineHandler(Api.createTopics, (request, { header }) => {
    const counts = new Map<string, number>();
    for (const t of request.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => {
        if (counts.get(t.name)! > 1) {
          return {
            name: t.name,
            errorCode: ErrorCode.INVALID_REQUEST,
            errorMessage: `Create topics request from client \`${header.clientId ?? ""}\` contains multiple entries for the following topics: ${t.name}`,
          };
        }
        try {
          const validated = broker.topics.validateCreate(t);
          if (!request.validateOnly) {
            broker.topics.create(validated);
            broker.logger.info({ topic: t.name, partitions: validated.partitions }, "created topic");
          }
          return { name: t.name, errorCode: ErrorCode.NONE, errorMessage: null };
        } catch (error) {
          if (!(error instanceof TopicError)) throw error;
          if (error.errorCode === ErrorCode.KAFKA_STORAGE_ERROR) broker.logger.error({ topic: t.name }, error.message);
          return { name: t.name, errorCode: error.errorCode, errorMessage: error.message };
        }
      }),
    };
  });
}
