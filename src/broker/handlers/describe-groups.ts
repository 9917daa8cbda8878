// DescribeGroups: state, protocol and members; an unknown group is reported as "Dead"
// with no error, as Kafka does.
import { Api } from "../protocol/apis.js";
import { ErrorCode } from "../protocol/error-codes.js";
import { defineHandler, type BrokerContext } from "./handler.js";

/** Kafka's "authorized operations not requested" marker. */
const OPERATIONS_NOT_REQUESTED = -2147483648;
/** Without an authorizer every group operation is allowed: READ (3), DELETE (6), DESCRIBE (8). */
const ALL_GROUP_OPERATIONS = (1 << 3) | (1 << 6) | (1 << 8);

export function describeGroupsHandler(broker: BrokerContext) {
  return defineHandler(Api.describeGroups, (request) => ({
    throttleTimeMs: 0,
    groups: request.groups.map((groupId) => {
      const summary = broker.groups.describeGroup(groupId);
      return {
        errorCode: ErrorCode.NONE,
        groupId,
        groupState: summary.state,
        protocolType: summary.protocolType,
        protocolData: summary.protocol,
        members: summary.members.map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          memberMetadata: m.metadata,
          memberAssignment: m.assignment,
        })),
        authorizedOperations: request.includeAuthorizedOperations ? ALL_GROUP_OPERATIONS : OPERATIONS_NOT_REQUESTED,
      };
    }),
  }));
}
