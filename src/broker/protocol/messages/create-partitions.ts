// CreatePartitions (API key 37), versions 0-1: transcribed from apache/kafka
// clients/src/main/resources/common/message/CreatePartitionsRequest.json and CreatePartitionsResponse.json.
// Only the versions this broker advertises are kept; tagged fields are omitted.
import { defineApi } from "../schema.js";

export const createPartitions = defineApi({
  name: "CreatePartitions",
  apiKey: 37,
  minVersion: 0,
  maxVersion: 1,
  flexibleVersions: "2+",
  request: [
    {
      name: "topics",
      type: "[]struct",
      versions: "0+",
      fields: [
        { name: "name", type: "string", versions: "0+" },
        { name: "count", type: "int32", versions: "0+" },
        {
          name: "assignments",
          type: "[]struct",
          versions: "0+",
          nullableVersions: "0+",
          fields: [{ name: "brokerIds", type: "[]int32", versions: "0+" }],
        },
      ],
    },
    { name: "timeoutMs", type: "int32", versions: "0+" },
    { name: "validateOnly", type: "bool", versions: "0+" },
  ],
  response: [
    { name: "throttleTimeMs", type: "int32", versions: "0+" },
    {
      name: "results",
      type: "[]struct",
      versions: "0+",
      fields: [
        { name: "name", type: "string", versions: "0+" },
        { name: "errorCode", type: "int16", versions: "0+" },
        { name: "errorMessage", type: "string", versions: "0+", nullableVersions: "0+", default: null },
      ],
    },
  ],
} as const);
