// DeleteTopics (API key 20), versions 0-3: transcribed from apache/kafka
// clients/src/main/resources/common/message/DeleteTopicsRequest.json and DeleteTopicsResponse.json.
// Only the versions this broker advertises are kept; tagged fields are omitted.
import { defineApi } from "../schema.js";

export const deleteTopics = defineApi({
  name: "DeleteTopics",
  apiKey: 20,
  minVersion: 0,
  maxVersion: 3,
  flexibleVersions: "4+",
  request: [
    { name: "topicNames", type: "[]string", versions: "0-5" },
    { name: "timeoutMs", type: "int32", versions: "0+" },
  ],
  response: [
    { name: "throttleTimeMs", type: "int32", versions: "1+" },
    {
      name: "responses",
      type: "[]struct",
      versions: "0+",
      fields: [
        { name: "name", type: "string", versions: "0+" },
        { name: "errorCode", type: "int16", versions: "0+" },
      ],
    },
  ],
} as const);
