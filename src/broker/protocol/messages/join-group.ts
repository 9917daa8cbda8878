// JoinGroup (API key 11), versions 0-5: transcribed from apache/kafka
// clients/src/main/resources/common/message/JoinGroupRequest.json and JoinGroupResponse.json.
// Only the versions this broker advertises are kept; tagged fields are omitted.
import { defineApi } from "../schema.js";

export const joinGroup = defineApi({
  name: "JoinGroup",
  apiKey: 11,
  minVersion: 0,
  maxVersion: 5,
  flexibleVersions: "6+",
  request: [
    { name: "groupId", type: "string", versions: "0+" },
    { name: "sessionTimeoutMs", type: "int32", versions: "0+" },
    { name: "rebalanceTimeoutMs", type: "int32", versions: "1+", default: -1 },
    { name: "memberId", type: "string", versions: "0+" },
    { name: "groupInstanceId", type: "string", versions: "5+", nullableVersions: "5+", default: null },
    { name: "protocolType", type: "string", versions: "0+" },
    {
      name: "protocols",
      type: "[]struct",
      versions: "0+",
      fields: [
        { name: "name", type: "string", versions: "0+" },
        { name: "metadata", type: "bytes", versions: "0+" },
      ],
    },
  ],
  response: [
    { name: "throttleTimeMs", type: "int32", versions: "2+" },
    { name: "errorCode", type: "int16", versions: "0+" },
    { name: "generationId", type: "int32", versions: "0+", default: -1 },
    { name: "protocolName", type: "string", versions: "0+" },
    { name: "leader", type: "string", versions: "0+" },
    { name: "memberId", type: "string", versions: "0+" },
    {
      name: "members",
      type: "[]struct",
      versions: "0+",
      fields: [
        { name: "memberId", type: "string", versions: "0+" },
        { name: "groupInstanceId", type: "string", versions: "5+", nullableVersions: "5+", default: null },
        { name: "metadata", type: "bytes", versions: "0+" },
      ],
    },
  ],
} as const);
