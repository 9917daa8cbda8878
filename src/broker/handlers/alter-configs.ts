// AlterConfigs: replaces a topic's whole set of overrides (configs left out return to their
// defaults), after validating every entry. Broker settings are static here.
import { Api } from "../protocol/apis.js";
import { defineHandler, type BrokerContext } from "./handler.js";
import { changeTopicConfigs } from "./topic-config-change.js";

export function alterConfigsHandler(broker: BrokerContext) {
  return defineHandler(Api.alterConfigs, (request) => ({
    throttleTimeMs: 0,
    responses: request.resources.map((resource) =>
      changeTopicConfigs(broker, resource, request.validateOnly, () => resource.configs),
    ),
  }));
}
