// SyncGroup (API key 14), versions 0-3: transcribed from apache/kafka
// clients/src/main/resources/common/message/SyncGroupRequest.json and SyncGroupResponse.json.
// Only the versions this broker advertises are kept; tagged fields are omitted.
import { defineApi } from "../schema.js";

export const syncGroup = defineApi({
  name: "SyncGroup",
  apiKey: 14,
  minVersion: 0,
  maxVersion: 3,
  flexibleVersions: "4+",
  request: [
    { name: "groupId", type: "string", versions: "0+" },
    { name: "generationId", type: "int32", versions: "0+" },
    { name: "memberId", type: "string", versions: "0+" },
    { name: "groupInstanceId", type: "string", versions: "3+", nullableVersions: "3+", default: null },
    {
      name: "assignments",
      type: "[]struct",
      versions: "0+",
      fields: [
        { name: "memberId", type: "string", versions: "0+" },
        { name: "assignment", type: "bytes", versions: "0+" },
      ],
    },
  ],
  response: [
    { name: "throttleTimeMs", type: "int32", versions: "1+" },
    { name: "errorCode", type: "int16", versions: "0+" },
    { name: "assignment", type: "bytes", versions: "0+" },
  ],
} as const);
