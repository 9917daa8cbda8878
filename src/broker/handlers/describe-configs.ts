// DescribeConfigs: topic configs (overrides as DYNAMIC_TOPIC_CONFIG, the rest as
// DEFAULT_CONFIG with the broker setting they fall back to as synonym) and this broker's
// settings. A null key list means every config.
import { Api } from "../protocol/apis.js";
import { ErrorCode } from "../protocol/error-codes.js";
import { TOPIC_CONFIGS } from "../topics/topic-config.js";
import { defineHandler, type BrokerContext } from "./handler.js";

export const ResourceType = { TOPIC: 2, BROKER: 4 } as const;

/** Kafka's DescribeConfigsResponse.ConfigSource ids. */
const ConfigSource = { DYNAMIC_TOPIC_CONFIG: 1, STATIC_BROKER_CONFIG: 4, DEFAULT_CONFIG: 5 } as const;

interface ConfigEntry {
  name: string;
  value: string | null;
  readOnly: boolean;
  isDefault: boolean;
  configSource: number;
  isSensitive: boolean;
  synonyms: { name: string; value: string | null; source: number }[];
  configType: number;
  documentation: string | null;
}

export function describeConfigsHandler(broker: BrokerContext) {
  const topicConfigs = (topicName: string, includeSynonyms: boolean): ConfigEntry[] | null => {
    const topic = broker.topics.get(topicName);
    if (!topic) return null;
    return TOPIC_CONFIGS.map((definition) => {
      const override = topic.configOverrides.get(definition.name);
      const synonyms: ConfigEntry["synonyms"] = [];
      if (includeSynonyms) {
        if (override !== undefined)
          synonyms.push({ name: definition.name, value: override, source: ConfigSource.DYNAMIC_TOPIC_CONFIG });
        if (definition.brokerSynonym !== null && definition.synonymDescribed)
          synonyms.push({
            name: definition.brokerSynonym,
            value: definition.defaultValue,
            source: ConfigSource.DEFAULT_CONFIG,
          });
      }
      return {
        name: definition.name,
        value: override ?? definition.defaultValue,
        readOnly: false,
        isDefault: override === undefined,
        configSource: override === undefined ? ConfigSource.DEFAULT_CONFIG : ConfigSource.DYNAMIC_TOPIC_CONFIG,
        isSensitive: false,
        synonyms,
        configType: definition.configType,
        documentation: null,
      };
    });
  };

  const brokerConfigs = (includeSynonyms: boolean): ConfigEntry[] =>
    [...broker.brokerConfigs].map(([name, { value, explicit }]) => {
      const source = explicit ? ConfigSource.STATIC_BROKER_CONFIG : ConfigSource.DEFAULT_CONFIG;
      return {
        name,
        value,
        readOnly: true,
        isDefault: !explicit,
        configSource: source,
        isSensitive: false,
        synonyms: includeSynonyms ? [{ name, value, source }] : [],
        configType: 0,
        documentation: null,
      };
    });

  return defineHandler(Api.describeConfigs, (request) => ({
    throttleTimeMs: 0,
    results: request.resources.map((resource) => {
      const base = { resourceType: resource.resourceType, resourceName: resource.resourceName };
      let configs: ConfigEntry[] | null;
      if (resource.resourceType === ResourceType.TOPIC) {
        configs = topicConfigs(resource.resourceName, request.includeSynonyms);
        if (configs === null) {
          return {
            ...base,
            errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
            errorMessage: `Topic ${resource.resourceName} does not exist`,
            configs: [],
          };
        }
      } else if (resource.resourceType === ResourceType.BROKER) {
        if (resource.resourceName === "") {
          // The cluster-wide dynamic defaults: this broker has none.
          configs = [];
        } else if (resource.resourceName === String(broker.nodeId)) {
          configs = brokerConfigs(request.includeSynonyms);
        } else {
          return {
            ...base,
            errorCode: ErrorCode.INVALID_REQUEST,
            errorMessage: `Unexpected broker id, expected ${broker.nodeId} or empty string, but received ${resource.resourceName}`,
            configs: [],
          };
        }
      } else {
        return {
          ...base,
          errorCode: ErrorCode.INVALID_REQUEST,
          errorMessage: `Unsupported resource type ${resource.resourceType}`,
          configs: [],
        };
      }
      const keys = resource.configurationKeys;
      const selected = keys === null ? configs : configs.filter((c) => keys.includes(c.name));
      return { ...base, errorCode: ErrorCode.NONE, errorMessage: null, configs: selected };
    }),
  }));
}
