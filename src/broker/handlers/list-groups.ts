// ListGroups: every group the coordinator knows, simple (offsets-only) groups included, with
// its state (v4), only those in one of the states asked for when a filter is given (Kafka
// compares the names case-insensitively).
import { Api } from "../protocol/apis.js";
import { ErrorCode } from "../protocol/error-codes.js";
import { defineHandler, type BrokerContext } from "./handler.js";

export function listGroupsHandler(broker: BrokerContext) {
  return defineHandler(Api.listGroups, (request) => {
    const wanted = new Set((request.statesFilter ?? []).map((state) => state.toLowerCase()));
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      groups: broker.groups
        .listGroups()
        .filter((g) => wanted.size === 0 || wanted.has(g.state.toLowerCase()))
        .map((g) => ({ groupId: g.groupId, protocolType: g.protocolType, groupState: g.state })),
    };
  });
}
