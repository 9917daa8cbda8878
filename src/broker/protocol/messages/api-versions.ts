// ApiVersions (API key 18), versions 0-3: transcribed from apache/kafka
// clients/src/main/resources/common/message/ApiVersionsRequest.json and ApiVersionsResponse.json.
// Only the versions this broker advertises are kept; tagged fields are omitted.
import { defineApi } from "../schema.js";

export const apiVersions = defineApi({
  name: "ApiVersions",
  apiKey: 18,
  minVersion: 0,
  maxVersion: 3,
  flexibleVersions: "3+",
  request: [
    { name: "clientSoftwareName", type: "string", versions: "3+" },
    { name: "clientSoftwareVersion", type: "string", versions: "3+" },
  ],
  response: [
    { name: "errorCode", type: "int16", versions: "0+" },
    {
      name: "apiKeys",
      type: "[]struct",
      versions: "0+",
      fields: [
        { name: "apiKey", type: "int16", versions: "0+" },
        { name: "minVersion", type: "int16", versions: "0+" },
        { name: "maxVersion", type: "int16", versions: "0+" },
      ],
    },
    { name: "throttleTimeMs", type: "int32", versions: "1+" },
  ],
} as const);
