// ListOffsets (API key 2), versions 0-3: transcribed from apache/kafka
// clients/src/main/resources/common/message/ListOffsetsRequest.json and ListOffsetsResponse.json.
// Only the versions this broker advertises are kept; tagged fields are omitted.
import { defineApi } from "../schema.js";

export const listOffsets = defineApi({
  name: "ListOffsets",
  apiKey: 2,
  minVersion: 0,
  maxVersion: 3,
  flexibleVersions: "6+",
  request: [
    { name: "replicaId", type: "int32", versions: "0+" },
    { name: "isolationLevel", type: "int8", versions: "2+" },
    {
      name: "topics",
      type: "[]struct",
      versions: "0+",
      fields: [
        { name: "name", type: "string", versions: "0+" },
        {
          name: "partitions",
          type: "[]struct",
          versions: "0+",
          fields: [
            { name: "partitionIndex", type: "int32", versions: "0+" },
            { name: "timestamp", type: "int64", versions: "0+" },
            { name: "maxNumOffsets", type: "int32", versions: "0", default: 1 },
          ],
        },
      ],
    },
  ],
  response: [
    { name: "throttleTimeMs", type: "int32", versions: "2+" },
    {
      name: "topics",
      type: "[]struct",
      versions: "0+",
      fields: [
        { name: "name", type: "string", versions: "0+" },
        {
          name: "partitions",
          type: "[]struct",
          versions: "0+",
          fields: [
            { name: "partitionIndex", type: "int32", versions: "0+" },
            { name: "errorCode", type: "int16", versions: "0+" },
            { name: "oldStyleOffsets", type: "[]int64", versions: "0" },
            { name: "timestamp", type: "int64", versions: "1+", default: -1 },
            { name: "offset", type: "int64", versions: "1+", default: -1 },
          ],
        },
      ],
    },
  ],
} as const);
