// Heartbeat: keeps a member's session alive; REBALANCE_IN_PROGRESS tells it to rejoin.
import { Api } from "../protocol/apis.js";
import { defineHandler, type BrokerContext } from "./handler.js";

export function heartbeatHandler(broker: BrokerContext) {
  return defineHandler(Api.heartbeat, (request) => ({
    throttleTimeMs: 0,
    errorCode: broker.groups.heartbeat(
      request.groupId,
      request.memberId,
      request.groupInstanceId,
      request.generationId,
    ),
  }));
}
