// OffsetDelete (API key 47), version 0: transcribed from apache/kafka
// clients/src/main/resources/common/message/OffsetDeleteRequest.json and OffsetDeleteResponse.json.
import { defineApi } from "../schema.js";

export const offsetDelete = defineApi({
  name: "OffsetDelete",
  apiKey: 47,
  minVersion: 0,
  maxVersion: 0,
  flexibleVersions: "1+",
  request: [
    { name: "groupId", type: "string", versions: "0+" },
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
          fields: [{ name: "partitionIndex", type: "int32", versions: "0+" }],
        },
      ],
    },
  ],
  response: [
    { name: "errorCode", type: "int16", versions: "0+" },
    { name: "throttleTimeMs", type: "int32", versions: "0+" },
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
          ],
        },
      ],
    },
  ],
} as const);
