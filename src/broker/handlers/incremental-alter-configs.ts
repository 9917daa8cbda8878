// IncrementalAlterConfigs (KIP-339): changes single topic configs, leaving the others as they
// are (AlterConfigs replaces the whole set). SET and DELETE apply to any config, APPEND and
// SUBTRACT only to list configs (cleanup.policy), starting from the current value, the
// override or else the default, as Kafka's ConfigAdminManager does. The whole resulting set is
// validated before anything changes; broker configs are static here.
import { Api } from "../protocol/apis.js";
import { configDefinition, InvalidTopicConfig } from "../topics/topic-config.js";
import { defineHandler, type BrokerContext } from "./handler.js";
import { changeTopicConfigs, InvalidConfigRequest } from "./topic-config-change.js";

/** Kafka's AlterConfigOp.OpType ids. */
const OpType = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;

interface ConfigChange {
  name: string;
  configOperation: number;
  value: string | null;
}

/** The overrides after applying `changes` to `current`; throws on a change Kafka refuses. */
export function applyIncrementalChanges(
  current: ReadonlyMap<string, string>,
  changes: readonly ConfigChange[],
): Map<string, string> {
  const names = new Set<string>();
  for (const change of changes) {
    if (names.has(change.name)) throw new InvalidConfigRequest(`Error due to duplicate config keys: ${change.name}`);
    names.add(change.name);
  }
  const next = new Map(current);
  for (const { name, configOperation, value } of changes) {
    const definition = configDefinition(name);
    if (!definition) throw new InvalidTopicConfig(`Unknown topic config name: ${name}`);
    switch (configOperation) {
      case OpType.SET:
        if (value === null) throw new InvalidTopicConfig(`Null value not supported for topic configs: ${name}`);
        next.set(name, value);
        break;
      case OpType.DELETE:
        next.delete(name);
        break;
      case OpType.APPEND:
      case OpType.SUBTRACT: {
        if (definition.kind !== "list") {
          const verb = configOperation === OpType.APPEND ? "append" : "subtract";
          throw new InvalidTopicConfig(`Config value ${verb} is not allowed for config key: ${name}`);
        }
        const items = (value ?? "")
          .split(",")
          .map((item) => item.trim())
          .filter((item) => item !== "");
        const old = (next.get(name) ?? definition.defaultValue)
          .split(",")
          .map((item) => item.trim())
          .filter((item) => item !== "");
        const result =
          configOperation === OpType.APPEND
            ? [...old, ...items.filter((item) => !old.includes(item))]
            : old.filter((item) => !items.includes(item));
        next.set(name, result.join(","));
        break;
      }
      default:
        throw new InvalidConfigRequest(`Unknown config operation ${configOperation} for ${name}`);
    }
  }
  return next;
}

export function incrementalAlterConfigsHandler(broker: BrokerContext) {
  return defineHandler(Api.incrementalAlterConfigs, (request) => ({
    throttleTimeMs: 0,
    responses: request.resources.map((resource) =>
      changeTopicConfigs(broker, resource, request.validateOnly, (topic) =>
        [...applyIncrementalChanges(topic.configOverrides, resource.configs)].map(([name, value]) => ({ name, value })),
      ),
    ),
  }));
}
