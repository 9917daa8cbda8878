// AddPartitionsToTxn (API key 24), versions 0-1: transcribed from apache/kafka
// clients/src/main/resources/common/message/AddPartitionsToTxnRequest.json and
// AddPartitionsToTxnResponse.json. Only the versions this broker advertises are kept; the
// schema's "V3AndBelow" fields carry their plain names here.
import { defineApi } from "../schema.js";

export const addPartitionsToTxn = defineApi({
  name: "AddPartitionsToTxn",
  apiKey: 24,
  minVersion: 0,
  maxVersion: 1,
  flexibleVersions: "3+",
  request: [
    { name: "transactionalId", type: "string", versions: "0-3" },
    { name: "producerId", type: "int64", versions: "0-3" },
    { name: "producerEpoch", type: "int16", versions: "0-3" },
    {
      name: "topics",
      type: "[]struct",
      versions: "0-3",
      fields: [
        { name: "name", type: "string", versions: "0+" },
        { name: "partitions", type: "[]int32", versions: "0+" },
      ],
    },
  ],
  response: [
    { name: "throttleTimeMs", type: "int32", versions: "0+" },
    {
      name: "results",
      type: "[]struct",
      versions: "0-3",
      fields: [
        { name: "name", type: "string", versions: "0+" },
        {
          name: "results",
          type: "[]struct",
          versions: "0+",
          fields: [
            { name: "partitionIndex", type: "int32", versions: "0+" },
            { name: "partitionErrorCode", type: "int16", versions: "0+" },
          ],
        },
      ],
    },
  ],
} as const);
