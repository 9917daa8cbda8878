// What AlterConfigs and IncrementalAlterConfigs share: find the topic a config resource
// names, compute its new overrides, validate the whole set, and replace them unless the
// request only validates. Broker configs are static in the embedded broker.
import { ErrorCode } from "../protocol/error-codes.js";
import { InvalidTopicConfig, normalizeConfigs } from "../topics/topic-config.js";
import type { Topic } from "../topics/topic.js";
import { ResourceType } from "./describe-configs.js";
import type { BrokerContext } from "./handler.js";

/** A request Kafka refuses as a whole (INVALID_REQUEST) rather than for a bad value (INVALID_CONFIG). */
export class InvalidConfigRequest extends Error {}

interface ConfigResource {
  resourceType: number;
  resourceName: string;
}

export function changeTopicConfigs(
  broker: BrokerContext,
  resource: ConfigResource,
  validateOnly: boolean,
  nextOverrides: (topic: Topic) => Iterable<{ name: string; value: string | null }>,
) {
  const answer = (errorCode: number, errorMessage: string | null) => ({
    errorCode,
    errorMessage,
    resourceType: resource.resourceType,
    resourceName: resource.resourceName,
  });
  if (resource.resourceType === ResourceType.BROKER) {
    return answer(
      ErrorCode.INVALID_REQUEST,
      "Broker configs of the embedded broker are static; set them when starting it.",
    );
  }
  if (resource.resourceType !== ResourceType.TOPIC) {
    return answer(ErrorCode.INVALID_REQUEST, `Unsupported resource type ${resource.resourceType}`);
  }
  const topic = broker.topics.get(resource.resourceName);
  if (!topic) return answer(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic ${resource.resourceName} does not exist`);
  try {
    const configs = normalizeConfigs([...nextOverrides(topic)]);
    if (!validateOnly) {
      topic.replaceConfigs(configs);
      broker.logger.info({ topic: topic.name, configs: Object.fromEntries(configs) }, "altered topic configs");
    }
    return answer(ErrorCode.NONE, null);
  } catch (error) {
    if (error instanceof InvalidTopicConfig) return answer(ErrorCode.INVALID_CONFIG, error.message);
    if (error instanceof InvalidConfigRequest) return answer(ErrorCode.INVALID_REQUEST, error.message);
    throw error;
  }
}
