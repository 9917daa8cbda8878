// FindCoordinator: this node coordinates every group and every transactional id.
import { Api } from "../protocol/apis.js";
import { ErrorCode } from "../protocol/error-codes.js";
import { defineHandler, type BrokerContext } from "./handler.js";

const GROUP = 0;
const TRANSACTION = 1;

export function findCoordinatorHandler(broker: BrokerContext) {
  return defineHandler(Api.findCoordinator, (request) => {
    if (request.keyType !== GROUP && request.keyType !== TRANSACTION) {
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.INVALID_REQUEST,
        errorMessage: `Unknown coordinator key type ${request.keyType}`,
        nodeId: -1,
        host: "",
        port: -1,
      };
    }
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      nodeId: broker.nodeId,
      host: broker.endpoint.host,
      port: broker.endpoint.port,
    };
  });
}
