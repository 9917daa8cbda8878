// DescribeGroups (API key 15), versions 0-4: transcribed from apache/kafka
// clients/src/main/resources/common/message/DescribeGroupsRequest.json and DescribeGroupsResponse.json.
// Only the versions this broker advertises are kept; tagged fields are omitted.
import { defineApi } from "../schema.js";

export const describeGroups = defineApi({
  name: "DescribeGroups",
  apiKey: 15,
  minVersion: 0,
  maxVersion: 4,
  flexibleVersions: "5+",
  request: [
    { name: "groups", type: "[]string", versions: "0+" },
    { name: "includeAuthorizedOperations", type: "bool", versions: "3+" },
  ],
  response: [
    { name: "throttleTimeMs", type: "int32", versions: "1+" },
    {
      name: "groups",
      type: "[]struct",
      versions: "0+",
      fields: [
        { name: "errorCode", type: "int16", versions: "0+" },
        { name: "groupId", type: "string", versions: "0+" },
        { name: "groupState", type: "string", versions: "0+" },
        { name: "protocolType", type: "string", versions: "0+" },
        { name: "protocolData", type: "string", versions: "0+" },
        {
          name: "members",
          type: "[]struct",
          versions: "0+",
          fields: [
            { name: "memberId", type: "string", versions: "0+" },
            { name: "groupInstanceId", type: "string", versions: "4+", nullableVersions: "4+", default: null },
            { name: "clientId", type: "string", versions: "0+" },
            { name: "clientHost", type: "string", versions: "0+" },
            { name: "memberMetadata", type: "bytes", versions: "0+" },
            { name: "memberAssignment", type: "bytes", versions: "0+" },
          ],
        },
        { name: "authorizedOperations", type: "int32", versions: "3+", default: -2147483648 },
      ],
    },
  ],
} as const);
