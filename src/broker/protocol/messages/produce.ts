// Produce (API key 0), versions 3-12: transcribed from apache/kafka
// clients/src/main/resources/common/message/ProduceRequest.json and ProduceResponse.json.
// Only the versions this broker advertises are kept. v8 adds the record errors, v9 is the
// first flexible one, v10 adds the current leader and node endpoints as tagged fields (never
// written here: they only come with NOT_LEADER_OR_FOLLOWER, which one node never answers),
// v11 the TRANSACTION_ABORTABLE error, and v12 means transactions v2 (KIP-890): the leader
// adds the partition of a transactional batch to the transaction itself. v13 names topics
// by id and is not advertised.
import { defineApi } from "../schema.js";

export const produce = defineApi({
  name: "Produce",
  apiKey: 0,
  minVersion: 3,
  maxVersion: 12,
  flexibleVersions: "9+",
  request: [
    { name: "transactionalId", type: "string", versions: "3+", nullableVersions: "3+", default: null },
    { name: "acks", type: "int16", versions: "0+" },
    { name: "timeoutMs", type: "int32", versions: "0+" },
    {
      name: "topicData",
      type: "[]struct",
      versions: "0+",
      fields: [
        { name: "name", type: "string", versions: "0+" },
        {
          name: "partitionData",
          type: "[]struct",
          versions: "0+",
          fields: [
            { name: "index", type: "int32", versions: "0+" },
            { name: "records", type: "records", versions: "0+", nullableVersions: "0+" },
          ],
        },
      ],
    },
  ],
  response: [
    {
      name: "responses",
      type: "[]struct",
      versions: "0+",
      fields: [
        { name: "name", type: "string", versions: "0+" },
        {
          name: "partitionResponses",
          type: "[]struct",
          versions: "0+",
          fields: [
            { name: "index", type: "int32", versions: "0+" },
            { name: "errorCode", type: "int16", versions: "0+" },
            { name: "baseOffset", type: "int64", versions: "0+" },
            { name: "logAppendTimeMs", type: "int64", versions: "2+", default: -1 },
            { name: "logStartOffset", type: "int64", versions: "5+", default: -1 },
            {
              name: "recordErrors",
              type: "[]struct",
              versions: "8+",
              fields: [
                { name: "batchIndex", type: "int32", versions: "8+" },
                {
                  name: "batchIndexErrorMessage",
                  type: "string",
                  versions: "8+",
                  nullableVersions: "8+",
                  default: null,
                },
              ],
            },
            { name: "errorMessage", type: "string", versions: "8+", nullableVersions: "8+", default: null },
          ],
        },
      ],
    },
    { name: "throttleTimeMs", type: "int32", versions: "1+", default: 0 },
  ],
} as const);
