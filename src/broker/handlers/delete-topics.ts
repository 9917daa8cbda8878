// DeleteTopics: the topic's logs go at once, waiting fetches are woken, and groups forget
// their committed offsets for it.
import { Api } from "../protocol/apis.js";
import { ErrorCode } from "../protocol/error-codes.js";
import { defineHandler, type BrokerContext } from "./handler.js";

export function deleteTopicsHandler(broker: BrokerContext) {
  return defineHandler(Api.deleteTopics, (request) => ({
    throttleTimeMs: 0,
    responses: request.topicNames.map((name) => {
      if (!broker.topics.delete(name)) return { name, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
      broker.groups.onTopicDeleted(name);
      broker.logger.info({ topic: name }, "deleted topic");
      return { name, errorCode: ErrorCode.NONE };
    }),
  }));
}
