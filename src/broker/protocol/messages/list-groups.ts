// ListGroups (API key 16), versions 0-2: transcribed from apache/kafka
// clients/src/main/resources/common/message/ListGroupsRequest.json and ListGroupsResponse.json.
// Only the versions this broker advertises are kept; tagged fields are omitted.
import { defineApi } from "../schema.js";

export const listGroups = defineApi({
  name: "ListGroups",
  apiKey: 16,
  minVersion: 0,
  maxVersion: 2,
  flexibleVersions: "3+",
  request: [],
  response: [
    { name: "throttleTimeMs", type: "int32", versions: "1+" },
    { name: "errorCode", type: "int16", versions: "0+" },
    {
      name: "groups",
      type: "[]struct",
      versions: "0+",
      fields: [
        { name: "groupId", type: "string", versions: "0+" },
        { name: "protocolType", type: "string", versions: "0+" },
      ],
    },
  ],
} as const);
