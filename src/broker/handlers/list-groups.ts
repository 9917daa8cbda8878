// ListGroups: every group the coordinator knows, simple (offsets-only) groups included.
import { Api } from "../protocol/apis.js";
import { ErrorCode } from "../protocol/error-codes.js";
import { defineHandler, type BrokerContext } from "./handler.js";

export function listGroupsHandler(broker: BrokerContext) {
  return defineHandler(Api.listGroups, () => ({
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    groups: broker.groups.listGroups().map((g) => ({ groupId: g.groupId, protocolType: g.protocolType })),
  }));
}
