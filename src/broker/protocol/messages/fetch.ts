// Fetch (API key 1), versions 4-11: transcribed from apache/kafka
// clients/src/main/resources/common/message/FetchRequest.json and FetchResponse.json.
// Only the versions this broker advertises are kept; tagged fields are omitted.
import { defineApi } from "../schema.js";

export const fetch = defineApi({
  name: "Fetch",
  apiKey: 1,
  minVersion: 4,
  maxVersion: 11,
  flexibleVersions: "12+",
  request: [
    { name: "replicaId", type: "int32", versions: "0-14", default: -1 },
    { name: "maxWaitMs", type: "int32", versions: "0+" },
    { name: "minBytes", type: "int32", versions: "0+" },
    { name: "maxBytes", type: "int32", versions: "3+", default: 2147483647 },
    { name: "isolationLevel", type: "int8", versions: "4+", default: 0 },
    { name: "sessionId", type: "int32", versions: "7+", default: 0 },
    { name: "sessionEpoch", type: "int32", versions: "7+", default: -1 },
    {
      name: "topics",
      type: "[]struct",
      versions: "0+",
      fields: [
        { name: "topic", type: "string", versions: "0-12" },
        {
          name: "partitions",
          type: "[]struct",
          versions: "0+",
          fields: [
            { name: "partition", type: "int32", versions: "0+" },
            { name: "currentLeaderEpoch", type: "int32", versions: "9+", default: -1 },
            { name: "fetchOffset", type: "int64", versions: "0+" },
            { name: "logStartOffset", type: "int64", versions: "5+", default: -1 },
            { name: "partitionMaxBytes", type: "int32", versions: "0+" },
          ],
        },
      ],
    },
    {
      name: "forgottenTopicsData",
      type: "[]struct",
      versions: "7+",
      fields: [
        { name: "topic", type: "string", versions: "7-12" },
        { name: "partitions", type: "[]int32", versions: "7+" },
      ],
    },
    { name: "rackId", type: "string", versions: "11+", default: "" },
  ],
  response: [
    { name: "throttleTimeMs", type: "int32", versions: "1+" },
    { name: "errorCode", type: "int16", versions: "7+" },
    { name: "sessionId", type: "int32", versions: "7+", default: 0 },
    {
      name: "responses",
      type: "[]struct",
      versions: "0+",
      fields: [
        { name: "topic", type: "string", versions: "0-12" },
        {
          name: "partitions",
          type: "[]struct",
          versions: "0+",
          fields: [
            { name: "partitionIndex", type: "int32", versions: "0+" },
            { name: "errorCode", type: "int16", versions: "0+" },
            { name: "highWatermark", type: "int64", versions: "0+" },
            { name: "lastStableOffset", type: "int64", versions: "4+", default: -1 },
            { name: "logStartOffset", type: "int64", versions: "5+", default: -1 },
            {
              name: "abortedTransactions",
              type: "[]struct",
              versions: "4+",
              nullableVersions: "4+",
              fields: [
                { name: "producerId", type: "int64", versions: "4+" },
                { name: "firstOffset", type: "int64", versions: "4+" },
              ],
            },
            { name: "preferredReadReplica", type: "int32", versions: "11+", default: -1 },
            { name: "records", type: "records", versions: "0+", nullableVersions: "0+" },
          ],
        },
      ],
    },
  ],
} as const);
