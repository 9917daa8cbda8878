// DeleteGroups (API key 42), versions 0-1: transcribed from apache/kafka
// clients/src/main/resources/common/message/DeleteGroupsRequest.json and DeleteGroupsResponse.json.
// Only the versions this broker advertises are kept; tagged fields are omitted.
import { defineApi } from "../schema.js";

export const deleteGroups = defineApi({
  name: "DeleteGroups",
  apiKey: 42,
  minVersion: 0,
  maxVersion: 1,
  flexibleVersions: "2+",
  request: [{ name: "groupsNames", type: "[]string", versions: "0+" }],
  response: [
    { name: "throttleTimeMs", type: "int32", versions: "0+" },
    {
      name: "results",
      type: "[]struct",
      versions: "0+",
      fields: [
        { name: "groupId", type: "string", versions: "0+" },
        { name: "errorCode", type: "int16", versions: "0+" },
      ],
    },
  ],
} as const);
