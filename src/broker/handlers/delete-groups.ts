// DeleteGroups: only empty groups can go (NON_EMPTY_GROUP otherwise); their offsets go too.
import { Api } from "../protocol/apis.js";
import { defineHandler, type BrokerContext } from "./handler.js";

export function deleteGroupsHandler(broker: BrokerContext) {
  return defineHandler(Api.deleteGroups, (request) => ({
    throttleTimeMs: 0,
    results: request.groupsNames.map((groupId) => ({ groupId, errorCode: broker.groups.deleteGroup(groupId) })),
  }));
}
