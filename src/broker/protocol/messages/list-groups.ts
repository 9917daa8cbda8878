// ListGroups (API key 16), versions 0-4: transcribed from apache/kafka
// clients/src/main/resources/common/message/ListGroupsRequest.json and ListGroupsResponse.json.
// v3 is flexible; v4 (KIP-518) filters by state and answers each group's state, which
// librdkafka, kafka-python and Kafka's own admin client ask for. Tagged fields are omitted.
import { defineApi } from "../schema.js";

export const listGroups = defineApi({
  name: "ListGroups",
  apiKey: 16,
  minVersion: 0,
  maxVersion: 4,
  flexibleVersions: "3+",
  request: [{ name: "statesFilter", type: "[]string", versions: "4+" }],
  response: [
    { name: "throttleTimeMs", type: "int32", versions: "1+" },
    { name: "errorCode", type: "int16", versions: "0+" },
    {
      name: "groups",
      type: "[]struct",
      versions: "0+",
      fields: [
        { name: "groupId", type: "string", versions: "0+" },
        { name: "protocolType", type: "string", versions: "0+" },
        { name: "groupState", type: "string", versions: "4+", default: "" },
      ],
    },
  ],
} as const);
