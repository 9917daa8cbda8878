// OffsetFetch (API key 9), versions 0-7: transcribed from apache/kafka
// clients/src/main/resources/common/message/OffsetFetchRequest.json and OffsetFetchResponse.json.
// Only the versions this broker advertises are kept (v8 batches groups); v6 is the first
// flexible one, v7 adds requireStable (KIP-447).
import { defineApi } from "../schema.js";

export const offsetFetch = defineApi({
  name: "OffsetFetch",
  apiKey: 9,
  minVersion: 0,
  maxVersion: 7,
  flexibleVersions: "6+",
  request: [
    { name: "groupId", type: "string", versions: "0-7" },
    {
      name: "topics",
      type: "[]struct",
      versions: "0-7",
      nullableVersions: "2-7",
      fields: [
        { name: "name", type: "string", versions: "0-7" },
        { name: "partitionIndexes", type: "[]int32", versions: "0-7" },
      ],
    },
    { name: "requireStable", type: "bool", versions: "7+", default: false },
  ],
  response: [
    { name: "throttleTimeMs", type: "int32", versions: "3+" },
    {
      name: "topics",
      type: "[]struct",
      versions: "0-7",
      fields: [
        { name: "name", type: "string", versions: "0-7" },
        {
          name: "partitions",
          type: "[]struct",
          versions: "0-7",
          fields: [
            { name: "partitionIndex", type: "int32", versions: "0-7" },
            { name: "committedOffset", type: "int64", versions: "0-7" },
            { name: "committedLeaderEpoch", type: "int32", versions: "5-7", default: -1 },
            { name: "metadata", type: "string", versions: "0-7", nullableVersions: "0-7" },
            { name: "errorCode", type: "int16", versions: "0-7" },
          ],
        },
      ],
    },
    { name: "errorCode", type: "int16", versions: "2-7", default: 0 },
  ],
} as const);
