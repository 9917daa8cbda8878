// AlterConfigs: replaces a topic's whole set of overrides (configs left out return to their
// defaults), after validating every entry. Broker settings are static here.
import { Api } from "../protocol/apis.js";
import { ErrorCode } from "../protocol/error-codes.js";
import { InvalidTopicConfig, normalizeConfigs } from "../topics/topic-config.js";
import { ResourceType } from "./describe-configs.js";
import { defineHandler, type BrokerContext } from "./handler.js";

export function alterConfigsHandler(broker: BrokerContext) {
  return defineHandler(Api.alterConfigs, (request) => ({
    throttleTimeMs: 0,
    responses: request.resources.map((resource) => {
      const answer = (errorCode: number, errorMessage: string | null) => ({
        errorCode,
        errorMessage,
        resourceType: resource.resourceType,
        resourceName: resource.resourceName,
      });
      if (resource.resourceType === ResourceType.BROKER) {
        return answer(ErrorCode.INVALID_REQUEST, "Broker configs of the embedded broker are static; set them when starting it.");
      }
      if (resource.resourceType !== ResourceType.TOPIC) {
        return answer(ErrorCode.INVALID_REQUEST, `Unsupported resource type ${resource.resourceType}`);
      }
      const topic = broker.topics.get(resource.resourceName);
      if (!topic) return answer(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic ${resource.resourceName} does not exist`);
      try {
        const configs = normalizeConfigs(resource.configs);
        if (!request.validateOnly) {
          topic.replaceConfigs(configs);
          broker.logger.info({ topic: topic.name, configs: Object.fromEntries(configs) }, "altered topic configs");
        }
        return answer(ErrorCode.NONE, null);
      } catch (error) {
        if (error instanceof InvalidTopicConfig) return answer(ErrorCode.INVALID_CONFIG, error.message);
        throw error;
      }
    }),
  }));
}
