// DescribeCluster (KIP-700): the cluster id, this node as the only broker and the controller.
// Newer admin clients (Java 2.8+, librdkafka 2.3+) describe the cluster with it instead of
// Metadata. There is no authorizer: asked for the cluster's authorized operations, the answer
// is every operation Kafka defines on the CLUSTER resource, as Kafka answers without one.
import { Api } from "../protocol/apis.js";
import { ErrorCode } from "../protocol/error-codes.js";
import { defineHandler, type BrokerContext } from "./handler.js";

/** Kafka's AclOperation codes that apply to the CLUSTER resource. */
const CLUSTER_OPERATIONS = {
  CREATE: 5,
  ALTER: 7,
  DESCRIBE: 8,
  CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10,
  ALTER_CONFIGS: 11,
  IDEMPOTENT_WRITE: 12,
};
const ALL_CLUSTER_OPERATIONS = Object.values(CLUSTER_OPERATIONS).reduce((bits, op) => bits | (1 << op), 0);
/** Kafka's "not requested" value for authorized operations (Integer.MIN_VALUE). */
const OPERATIONS_NOT_REQUESTED = -2147483648;

export function describeClusterHandler(broker: BrokerContext) {
  return defineHandler(Api.describeCluster, (request) => ({
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    clusterId: broker.clusterId,
    controllerId: broker.nodeId,
    brokers: [{ brokerId: broker.nodeId, host: broker.endpoint.host, port: broker.endpoint.port, rack: null }],
    clusterAuthorizedOperations: request.includeClusterAuthorizedOperations
      ? ALL_CLUSTER_OPERATIONS
      : OPERATIONS_NOT_REQUESTED,
  }));
}
